/**
 * `tg-picker-close`: the resource picker or the `/` prompt menu is done — something was added to
 * the person's next message (`added`), or they closed it (`dismissed`). `<tg-agent>` moves focus
 * back to the message field. Bubbles and is composed.
 */
export interface TgPickerCloseDetail {
  picker: 'resources' | 'prompts';
  reason: 'added' | 'dismissed';
}

export class TgPickerCloseEvent extends CustomEvent<TgPickerCloseDetail> {
  static readonly eventName = 'tg-picker-close' as const;

  constructor(detail: TgPickerCloseDetail) {
    super(TgPickerCloseEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'tg-picker-close': TgPickerCloseEvent;
  }
}
