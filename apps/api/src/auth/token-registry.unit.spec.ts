import { TokenConfigError, TokenRegistry } from './token-registry';

describe('TokenRegistry', () => {
  it('resolves the OARS v1 dev tokens with their scopes', () => {
    const r = TokenRegistry.fromConfig(null, true);
    expect(r.resolve('dev_admin_token')).toMatchObject({ subject: 'admin_user', role: 'admin', tenantIds: ['tenant_alpha', 'tenant_bravo', 'tenant_enterprise'] });
    // v1's 29 scopes plus alerts:write (alert routing writes no longer take a read scope) and
    // incidents:write (declare, acknowledge, update, resolve; operators hold it too).
    expect(r.resolve('dev_admin_token')!.scopes).toHaveLength(31);
    expect(r.resolve('dev_operator_token')!.scopes).toContain('incidents:write');
    expect(r.resolve('dev_auditor_token')!.scopes).not.toContain('actions:write');
    expect(r.resolve('nope')).toBeNull();
  });

  it('leaves dev tokens out when disabled and loads OARS_API_TOKENS', () => {
    const json = JSON.stringify([{ token: 'tok_0123456789abcdef', tokenId: 't1', subject: 'svc', role: 'operator', tenantIds: ['tenant_x'], scopes: ['actions:write'] }]);
    const r = TokenRegistry.fromConfig(json, false);
    expect(r.resolve('dev_admin_token')).toBeNull();
    expect(r.resolve('tok_0123456789abcdef')).toMatchObject({ tokenId: 't1', subject: 'svc', tenantIds: ['tenant_x'] });
  });

  it.each([
    ['{not json', /not valid JSON/],
    ['{}', /JSON array/],
    [JSON.stringify([{ token: 'short', subject: 's', role: 'admin', tenantIds: [], scopes: [] }]), /\[0\]\.token/],
    [JSON.stringify([{ token: 'tok_0123456789abcdef', subject: 's', role: 'root', tenantIds: [], scopes: [] }]), /\[0\]\.role/],
    [JSON.stringify([{ token: 'tok_0123456789abcdef', subject: 's', role: 'admin', tenantIds: 'all', scopes: [] }]), /\[0\]\.tenantIds/],
  ])('refuses bad OARS_API_TOKENS %s, naming the problem', (json, message) => {
    expect(() => TokenRegistry.fromConfig(json, true)).toThrow(TokenConfigError);
    expect(() => TokenRegistry.fromConfig(json, true)).toThrow(message);
  });
});
