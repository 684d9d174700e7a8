import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { officerFromClaims } from '../../shared/officers/model.ts';
import type { OfficerDirectory } from '../../shared/usecases/officers/access.ts';
import { awsClientSettings } from './aws-client-settings.ts';

/** Officers from the Cognito user pool: their subject and groups, for assignment. */
export function createCognitoOfficerDirectory(client: CognitoIdentityProviderClient, userPoolId: string): OfficerDirectory {
  return {
    async find(username) {
      try {
        const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
        if (!user.Enabled) return undefined;
        const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? username;
        const { Groups = [] } = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }));
        return officerFromClaims({ sub, username: user.Username ?? username, groups: Groups.map((group) => group.GroupName ?? '') });
      } catch (error) {
        if (error instanceof UserNotFoundException) return undefined;
        throw error;
      }
    },
    async members(group) {
      const officers = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: group, NextToken: nextToken, Limit: 60 }));
        for (const user of page.Users ?? []) {
          if (!user.Enabled || !user.Username) continue;
          const sub = user.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? user.Username;
          // Their other groups do not matter here: being in this one is what lets them see the queue.
          officers.push(officerFromClaims({ sub, username: user.Username, groups: [group] }));
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return officers;
    },
  };
}

/** The local identity provider's user directory, which answers what Cognito would. */
export function createLocalOfficerDirectory(issuer: string): OfficerDirectory {
  return {
    async find(username) {
      const response = await fetch(`${issuer}/users/${encodeURIComponent(username)}`, { signal: AbortSignal.timeout(3000) });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`The local identity provider answered ${response.status}`);
      const user = (await response.json()) as { sub: string; username: string; groups: string[] };
      return officerFromClaims(user);
    },
    async members(group) {
      const response = await fetch(`${issuer}/groups/${encodeURIComponent(group)}/users`, { signal: AbortSignal.timeout(3000) });
      if (!response.ok) throw new Error(`The local identity provider answered ${response.status}`);
      return ((await response.json()) as Array<{ sub: string; username: string; groups: string[] }>).map(officerFromClaims);
    },
  };
}

/** Cognito when the function knows its user pool, else the local identity provider. */
export function createOfficerDirectory(environment: { USER_POOL_ID?: string | undefined; OFFICER_JWT_ISSUER: string }): OfficerDirectory {
  return environment.USER_POOL_ID
    ? createCognitoOfficerDirectory(new CognitoIdentityProviderClient(awsClientSettings), environment.USER_POOL_ID)
    : createLocalOfficerDirectory(environment.OFFICER_JWT_ISSUER);
}
