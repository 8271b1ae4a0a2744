import { loadConfig } from './config';
import { parseHttpConnectors } from './http-connectors.config';

const problem = (raw: string) => {
  const parsed = parseHttpConnectors(raw);
  return parsed.ok ? null : parsed.problem;
};

describe('OARS_HTTP_CONNECTORS', () => {
  it('is empty when unset, and fills in the defaults', () => {
    expect(loadConfig({}).httpConnectors).toEqual([]);
    expect(loadConfig({}).connectorWaitMs).toBe(0);
    const config = loadConfig({
      OARS_HTTP_CONNECTORS: JSON.stringify([
        { toolId: 'crm', url: 'https://crm.example.com/oars' },
        { toolId: 'tickets', url: 'http://10.0.0.5:8080/run', timeoutMs: 60000, allowPrivateNetwork: true },
      ]),
      OARS_CONNECTOR_WAIT_MS: '250',
    });
    expect(config.httpConnectors).toEqual([
      { toolId: 'crm', url: 'https://crm.example.com/oars', timeoutMs: 5000, allowPrivateNetwork: false },
      { toolId: 'tickets', url: 'http://10.0.0.5:8080/run', timeoutMs: 60000, allowPrivateNetwork: true },
    ]);
    expect(config.connectorWaitMs).toBe(250);
  });

  it.each([
    ['not JSON', '[{', /not valid JSON/],
    ['not an array', '{"toolId":"crm"}', /must be a JSON array/],
    ['an entry that is not an object', '["crm"]', /entry \[0\] must be an object/],
    ['an unknown field', '[{"toolId":"crm","url":"https://x.test","retries":3}]', /entry \[0\]: unknown field "retries"/],
    ['a bad toolId', '[{"toolId":"c r m","url":"https://x.test"}]', /entry \[0\]: toolId must match/],
    ['a duplicate toolId', '[{"toolId":"crm","url":"https://x.test"},{"toolId":"crm","url":"https://y.test"}]', /entry \[1\] \(toolId "crm"\): duplicate toolId/],
    ['a missing url', '[{"toolId":"crm"}]', /entry \[0\] \(toolId "crm"\): url is required/],
    ['a malformed url', '[{"toolId":"crm","url":"not a url"}]', /url is not a valid URL/],
    ['another scheme', '[{"toolId":"crm","url":"ftp://x.test/a"}]', /url must use http or https, got "ftp:"/],
    ['a timeout of 0', '[{"toolId":"crm","url":"https://x.test","timeoutMs":0}]', /timeoutMs must be an integer between 1 and 60000/],
    ['a timeout above 60 s', '[{"toolId":"crm","url":"https://x.test","timeoutMs":60001}]', /timeoutMs must be/],
    ['a fractional timeout', '[{"toolId":"crm","url":"https://x.test","timeoutMs":1.5}]', /timeoutMs must be/],
    ['a non-boolean allowPrivateNetwork', '[{"toolId":"crm","url":"https://x.test","allowPrivateNetwork":"yes"}]', /allowPrivateNetwork must be true or false/],
  ])('refuses %s, naming the entry and the field', (_label, raw, message) => {
    expect(problem(raw)).toMatch(message);
  });

  it('stops the boot naming the variable, without echoing a URL that may hold credentials', () => {
    const load = () => loadConfig({ OARS_HTTP_CONNECTORS: '[{"toolId":"crm","url":"ftp://user:s3cret@x.test"}]' });
    expect(load).toThrow(/^Invalid configuration: OARS_HTTP_CONNECTORS entry \[0\] \(toolId "crm"\): url must use http or https/);
    expect(load).not.toThrow(/s3cret/);
  });

  it('bounds OARS_CONNECTOR_WAIT_MS', () => {
    expect(() => loadConfig({ OARS_CONNECTOR_WAIT_MS: '30001' })).toThrow(/OARS_CONNECTOR_WAIT_MS must be between 0 and 30000/);
  });
});
