import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../shared/domain/model';

export interface IdentityProps {
  /** Globally unique prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
  /** The web UI's origin; the hosted sign-in returns to `<origin>/`. */
  readonly webOrigin: string;
  /** Where temporary passwords and verification codes come from: an address on `emailDomain`. */
  readonly emailSender: string;
  /** The domain verified in SES, in this stack's region, that Cognito sends as. */
  readonly emailDomain: string;
}

/**
 * Who may call the API. Accounts are created by an administrator (no self sign-up): every user
 * acts for a regulator, a committee or an operator under a legal procedure.
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // A changed address takes over only once its code is confirmed: until then recovery and
      // temporary passwords still go to the address that was checked.
      keepOriginal: { email: true },
      // Through SES and the notice domain: Cognito's own sender allows a few dozen e-mails a day.
      email: UserPoolEmail.withSES({
        fromEmail: props.emailSender,
        sesVerifiedDomain: props.emailDomain,
        sesRegion: Aws.REGION,
      }),
      customAttributes: { operatorId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      // These accounts issue legal orders and read victims' reports: a stolen password alone must
      // not be enough. TOTP only: SMS costs per message and is open to SIM swapping.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus adds compromised-credential and risk-based sign-in blocking; the user base is a few
      // hundred accounts, so the per-user price is small next to what a takeover would cost.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Each role is a group, so its name lands in the token's `cognito:groups`.
    for (const group of ROLES) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group });
    }

    this.domain = this.userPool.addDomain('HostedSignIn', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    const returnTo = `${props.webOrigin}/`;
    this.client = this.userPool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [returnTo],
        logoutUrls: [returnTo],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // A user must not be able to rewrite custom:operatorId (and so act for another operator)
      // with their own token: only administrators set it. Cognito refuses a client that cannot
      // write an attribute the pool requires, hence the e-mail.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, email: true }),
    });
  }
}
