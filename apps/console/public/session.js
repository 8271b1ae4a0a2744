// The bearer token and the chosen tenant live in sessionStorage: this tab only, gone when it closes.

const TOKEN_KEY = 'oars.console.token';
const TENANT_KEY = 'oars.console.tenant';
const RECENT_KEY = 'oars.console.recentTenants';

/** The OARS development tenants, offered as suggestions (the API has no "my tenants" endpoint). */
export const SUGGESTED_TENANTS = ['tenant_alpha', 'tenant_bravo', 'tenant_enterprise'];
export const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  setToken: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  tenant: () => sessionStorage.getItem(TENANT_KEY),
  setTenant(tenantId) {
    sessionStorage.setItem(TENANT_KEY, tenantId);
    const recent = [tenantId, ...session.recentTenants().filter((t) => t !== tenantId)].slice(0, 8);
    sessionStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  },
  recentTenants() {
    try {
      const list = JSON.parse(sessionStorage.getItem(RECENT_KEY) ?? '[]');
      return Array.isArray(list) ? list.filter((t) => typeof t === 'string' && TENANT_ID.test(t)) : [];
    } catch {
      return [];
    }
  },
  clear() {
    for (const key of [TOKEN_KEY, TENANT_KEY, RECENT_KEY]) sessionStorage.removeItem(key);
  },
};
