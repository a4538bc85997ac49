// The token endpoints and scopes of the two providers most billing offices use, so an operator names
// the provider instead of copying URLs. Pure.

export const OAUTH2_PROVIDERS = ['microsoft', 'google'] as const;
export type OAuth2ProviderName = (typeof OAUTH2_PROVIDERS)[number];

export interface OAuth2Preset {
  tokenUrl: string;
  scope: string;
}

/**
 * Microsoft 365: the v2.0 endpoint of the tenant (a tenant id or domain; `organizations` takes any work
 * account), with the Exchange Online IMAP and SMTP scopes and offline_access, without which no refresh
 * token comes back. Google Workspace: one scope covers IMAP and SMTP.
 */
export function oauth2Preset(provider: OAuth2ProviderName, tenant = 'organizations'): OAuth2Preset {
  if (provider === 'microsoft') {
    return {
      tokenUrl: `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
      scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
    };
  }
  return { tokenUrl: 'https://oauth2.googleapis.com/token', scope: 'https://mail.google.com/' };
}
