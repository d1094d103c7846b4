import type { Config } from './config.js';

/**
 * Mistakes no single variable shows: combinations that would start a bot which cannot work.
 * Each problem is one phrase naming the variables; `loadConfig` refuses the start with them.
 */
export function configProblems(config: Config): string[] {
  return [...botCredentialProblems(config), ...durationProblems(config)];
}

/**
 * Bot Framework credentials as botbuilder's ConfigurationServiceClientCredentialFactory needs them.
 * Without these checks a bot with an app id but no secret starts on every interface and fails
 * every reply with a token error; a half-set certificate fails inside the library with an assert.
 */
function botCredentialProblems(config: Config): string[] {
  const { MicrosoftAppId: appId, MicrosoftAppPassword: password, MicrosoftAppType: type, MicrosoftAppTenantId: tenant } = config;
  const certificate = Boolean(config.CertificateThumbprint && config.CertificatePrivateKey);
  if (!appId) {
    const stray = (['MicrosoftAppPassword', 'MicrosoftAppType', 'CertificateThumbprint', 'CertificatePrivateKey'] as const).filter((name) => config[name]);
    return stray.length ? [`${stray.join(', ')} set without MicrosoftAppId: set MicrosoftAppId too, or none of them to run without authentication`] : [];
  }
  const problems: string[] = [];
  if (Boolean(config.CertificateThumbprint) !== Boolean(config.CertificatePrivateKey)) {
    problems.push('MicrosoftAppId: a certificate needs both CertificateThumbprint and CertificatePrivateKey');
  }
  if (type === 'UserAssignedMSI') {
    if (!tenant) problems.push('MicrosoftAppType=UserAssignedMSI needs MicrosoftAppTenantId');
    if (password || certificate) problems.push('MicrosoftAppType=UserAssignedMSI uses the managed identity: leave MicrosoftAppPassword and the certificate empty');
    return problems;
  }
  if (certificate && config.CLOUD !== 'worldwide') {
    problems.push(`CertificateThumbprint: botbuilder signs certificate credentials in at the worldwide cloud only; with CLOUD=${config.CLOUD} use MicrosoftAppPassword or MicrosoftAppType=UserAssignedMSI`);
  }
  if (type === 'SingleTenant' && !tenant) problems.push('MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId (the tenant of the app registration)');
  if (!password && !certificate) {
    problems.push('MicrosoftAppId is set without MicrosoftAppPassword or a certificate (CertificateThumbprint and CertificatePrivateKey): the bot could not sign its replies');
  }
  return problems;
}

/** Durations that contradict each other. */
function durationProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.APPROVER_REMINDER >= config.REQUEST_EXPIRY) {
    problems.push('APPROVER_REMINDER must be shorter than REQUEST_EXPIRY: the reminder would come after the request expired');
  }
  if (config.LATE_CHECK_UNTIL <= config.PROPAGATION_WINDOW) {
    problems.push('LATE_CHECK_UNTIL must be longer than PROPAGATION_WINDOW: the bot would stop checking before the window ends');
  }
  return problems;
}
