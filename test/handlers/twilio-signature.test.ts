import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isSignedByTwilio, publicUrl } from '../../functions/sms-twilio/signature.ts';

// The example in Twilio's security documentation: auth token 12345, this URL and these
// parameters give the signature 0/KCTR6DLpKmkAf8muzZqo1nDgQ=.
const documented = {
  authToken: '12345',
  signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' },
};

function event(headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /myapp.php',
    rawPath: '/myapp.php',
    rawQueryString: 'foo=1&bar=2',
    headers,
    isBase64Encoded: false,
    requestContext: { domainName: 'mycompany.com' } as APIGatewayProxyEventV2['requestContext'],
  };
}

describe('Twilio signatures', () => {
  const fields = new URLSearchParams(documented.params);

  it('rebuild the public URL Twilio signed, as API Gateway forwards it', () => {
    assert.equal(publicUrl(event({ host: 'mycompany.com', 'x-forwarded-proto': 'https' })), 'https://mycompany.com/myapp.php?foo=1&bar=2');
    assert.equal(publicUrl(event({})), 'https://mycompany.com/myapp.php?foo=1&bar=2', 'HTTPS and the API domain by default');
  });

  it("accept Twilio's documented example", () => {
    assert.equal(isSignedByTwilio(documented.authToken, event({ host: 'mycompany.com', 'x-twilio-signature': documented.signature }), fields), true);
  });

  it('refuse a changed parameter, URL, token or signature, and a missing one', () => {
    const signed = { host: 'mycompany.com', 'x-twilio-signature': documented.signature };
    const changed = new URLSearchParams({ ...documented.params, Digits: '1235' });
    assert.equal(isSignedByTwilio(documented.authToken, event(signed), changed), false);
    assert.equal(isSignedByTwilio(documented.authToken, event({ ...signed, host: 'evil.example' }), fields), false);
    assert.equal(isSignedByTwilio('54321', event(signed), fields), false);
    assert.equal(isSignedByTwilio(documented.authToken, event({ ...signed, 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' }), fields), false);
    assert.equal(isSignedByTwilio(documented.authToken, event({ host: 'mycompany.com' }), fields), false);
  });
});
