import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import type { PackId } from '../../shared/jurisdictions/pack.ts';
import { officerGroups } from '../../shared/officers/model.ts';

/**
 * Officers' passwords. Every sign-in also needs a TOTP code (MFA is required), so the password is
 * one of two factors; the history stops an officer from cycling back to a leaked one.
 */
export const officerPasswordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  /** Admin-issued temporary passwords expire if the officer does not sign in within this many days. */
  tempPasswordValidityDays: 3,
  passwordHistorySize: 5,
} as const;

/**
 * The groups officers are put in, with what membership lets them do (shown to the admins who
 * manage users). `shared/officers/model.ts` reads them from the token's `cognito:groups`: one per
 * unit of the deployment's pack, the city desk, and supervisors.
 */
export function officerGroupDefinitions(pack: PackId): readonly { readonly name: string; readonly description: string }[] {
  const units = jurisdiction(pack).units;
  return [
    ...units.map((unit) => ({ name: officerGroups.unit(unit.code), description: `Officers of ${unit.nameEn} (${unit.code}): see and work its queue` })),
    { name: officerGroups.cityDesk, description: 'City duty desk: sees every unit and the unrouted queue' },
    { name: officerGroups.supervisor, description: 'Supervisors: assign work and grant deadline extensions' },
  ];
}

/** Cognito domain prefixes: lower-case letters, digits and hyphens, and none of the words Cognito reserves. */
const domainPrefixPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws unless Cognito would accept `prefix` as a domain prefix. */
export function assertCognitoDomainPrefix(prefix: string): string {
  if (!domainPrefixPattern.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(`Invalid Cognito domain prefix ${JSON.stringify(prefix)}: lower-case letters, digits and inner hyphens, without aws, amazon or cognito`);
  }
  return prefix;
}

export interface OfficerUserPoolProps {
  readonly stage: string;
  /** The jurisdiction pack: one group per unit. */
  readonly pack: PackId;
  /** The hosted sign-in's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
}

/**
 * The officers' identity provider: a Cognito user pool that only admins add users to, with
 * username sign-in, a strong password, TOTP required for every officer, threat protection
 * enforced (Plus feature plan), deletion protection, and the groups the officers' API reads.
 * The app client lives in the stateless stack, next to the console whose URLs it names.
 */
export class OfficerUserPool extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly domain: cognito.UserPoolDomain;
  public readonly groups: readonly cognito.UserPoolGroup[];

  public constructor(scope: Construct, id: string, props: OfficerUserPoolProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `tinbao-${props.stage}-officers`,
      // Admins create officers (AdminCreateUser); nobody can sign themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: officerPasswordPolicy.minLength,
        requireLowercase: officerPasswordPolicy.requireLowercase,
        requireUppercase: officerPasswordPolicy.requireUppercase,
        requireDigits: officerPasswordPolicy.requireDigits,
        requireSymbols: officerPasswordPolicy.requireSymbols,
        tempPasswordValidity: Duration.days(officerPasswordPolicy.tempPasswordValidityDays),
        passwordHistorySize: officerPasswordPolicy.passwordHistorySize,
      },
      // TOTP only: SMS codes can be intercepted or SIM-swapped, and email is often the weaker account.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      // No self-service recovery: a lost password or authenticator is reset by an admin, who knows the officer.
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.PLUS,
      // Compromised-credential and risk-based sign-in checks block, not just report.
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.groups = officerGroupDefinitions(props.pack).map(({ name, description }) => this.userPool.addGroup(`Group-${name}`, { groupName: name, description }));

    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: assertCognitoDomainPrefix(props.domainPrefix) } });
  }
}
