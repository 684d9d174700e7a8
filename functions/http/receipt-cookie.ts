import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Sealer } from '../adapters/sealer.ts';
import { receiptPath, type TipReceipt } from './pages.ts';
import { header } from './request.ts';

/** The cookie that carries a form's receipt from the POST to the page it is redirected to. */
export const receiptCookieName = 'tinbao_receipt';

/** How long the receipt can be opened again on the device that sent the tip. */
export const receiptLifetimeSeconds = 30 * 60;

/**
 * The receipt as a cookie: sealed (AES-GCM, a key of its own derived from the pepper), so the
 * secret never travels in a URL, a log or the browser's history; readable only by the receipt
 * page (Path), never by scripts (HttpOnly), never sent from another site (SameSite=Strict), and
 * gone after {@link receiptLifetimeSeconds}.
 */
export function receiptCookie(sealer: Sealer, receipt: TipReceipt, now: Date, event: APIGatewayProxyEventV2): string {
  const expires = now.getTime() + receiptLifetimeSeconds * 1000;
  const value = sealer.seal(JSON.stringify({ ...receipt, expires }));
  // API Gateway is always HTTPS; only the local stack speaks plain HTTP (and says so).
  const secure = header(event, 'x-forwarded-proto') === 'http' ? '' : '; Secure';
  return `${receiptCookieName}=${value}; Path=${receiptPath}; Max-Age=${receiptLifetimeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/** The receipt in the request's cookie, if it is ours, intact and not expired. */
export function receiptFromCookie(sealer: Sealer, event: APIGatewayProxyEventV2, now: Date): TipReceipt | undefined {
  const cookies = event.cookies ?? (header(event, 'cookie') ?? '').split(';');
  for (const cookie of cookies) {
    const [name, ...rest] = cookie.trim().split('=');
    if (name !== receiptCookieName) continue;
    const opened = sealer.open(rest.join('='));
    if (opened === undefined) return undefined;
    const receipt = JSON.parse(opened) as TipReceipt & { expires: number };
    if (receipt.expires < now.getTime()) return undefined;
    return { trackingCode: receipt.trackingCode, secret: receipt.secret, receivedAt: receipt.receivedAt };
  }
  return undefined;
}
