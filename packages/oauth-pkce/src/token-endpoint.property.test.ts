/**
 * Token-endpoint answers under fuzz (docs/oauth.md#code-exchange, docs/oauth.md#token-refresh):
 * any status and body give tokens or one OAuth error whose message is one
 * line and shows no part of a token — neither one in the answer nor the
 * refresh token or verifier that was sent.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  damaged,
  mutated,
  parseOrTypedErrorAsync,
  secretArb,
  secretsIn,
} from '../../../test-utils/fuzz';
import { createHttp } from './http';
import { exchangeCode, refreshAccessToken } from './token-endpoint';

const answerArb = fc
  .record({
    body: fc
      .record({
        access_token: secretArb,
        refresh_token: secretArb,
        token_type: fc.constantFrom('Bearer', 'bearer'),
        expires_in: fc.constantFrom(3600, '3600', 3600.5, 'soon', -1),
        scope: fc.constantFrom('projects', ''),
        error: fc.constantFrom('invalid_grant', 'invalid_client', 'server_error', 'slow_down'),
        error_description: fc.constantFrom('try again', 'token rejected'),
      })
      .chain((body) => mutated(body)),
    status: fc.constantFrom(200, 200, 201, 400, 401, 403, 500, 503),
    contentType: fc.constantFrom('application/json', 'text/html', ''),
  })
  .chain(({ body, status, contentType }) =>
    damaged(JSON.stringify(body)).map((text) => ({
      text,
      status,
      contentType,
      secrets: secretsIn(body),
    })),
  );

it('every answer of the token endpoint gives tokens or one OAuth error line without a secret', async () => {
  let tokens = 0;
  let errors = 0;
  await fc.assert(
    fc.asyncProperty(answerArb, secretArb, secretArb, async (answer, sentRefresh, verifier) => {
      const http = await createHttp({
        fetch: async () =>
          new Response(answer.text, {
            status: answer.status,
            headers: answer.contentType ? { 'content-type': answer.contentType } : {},
          }),
      });
      const secrets = [...answer.secrets, sentRefresh, verifier];
      for (const call of [
        () =>
          exchangeCode({
            http,
            tokenUrl: 'http://127.0.0.1:9/oauth/token/',
            code: 'code-1',
            redirectUri: 'http://localhost:19284/callback',
            clientId: 'client-1',
            verifier,
            accountName: 'me',
          }),
        () =>
          refreshAccessToken({
            http,
            tokenUrl: 'http://127.0.0.1:9/oauth/token/',
            refreshToken: sentRefresh,
            clientId: 'client-1',
            accountName: 'me',
          }),
      ]) {
        const outcome = await parseOrTypedErrorAsync(call, secrets);
        if (outcome instanceof Error) {
          expect(outcome.name).toMatch(/^OAuth(Token|Refresh|RefreshRevoked)Error$/);
          errors++;
        } else tokens++;
      }
    }),
    { numRuns: 300 },
  );
  expect(tokens).toBeGreaterThan(20);
  expect(errors).toBeGreaterThan(100);
});
