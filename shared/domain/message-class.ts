/**
 * What a message is, for the law and for the caps: a receipt or a code (`transactional`), news the
 * user asked for (`informational`), or an ad (`advertising`). A registry channel's category is the
 * class of the messages it sends; a gate request names the class of the one it is about to send.
 */
export const MESSAGE_CLASSES = ['transactional', 'informational', 'advertising'] as const;
export type MessageClass = (typeof MESSAGE_CLASSES)[number];
