/**
 * What a queue consumer throws for a message it cannot read. It carries no message and no cause:
 * a parse error quotes the body (JSON.parse does), and Lambda's runtime logs what a handler throws.
 */
export class UnreadableMessageError extends Error {
  constructor() {
    super('unreadable message');
    this.name = 'UnreadableMessageError';
  }
}
