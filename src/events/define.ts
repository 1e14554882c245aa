/**
 * The one way a `tg-*` event class is made: `class TgXEvent extends tgEvent<Detail>()('tg-x') {}`.
 * Every Toolgate event bubbles and is composed (it crosses shadow roots, so the host page can
 * listen on the element or any ancestor), carries a typed `detail`, and names itself in a static
 * `eventName`; request events that the host may veto are `cancelable`.
 */
export function tgEvent<Detail>() {
  return <Name extends `tg-${string}`>(name: Name, options: { cancelable?: boolean } = {}) =>
    class extends CustomEvent<Detail> {
      static readonly eventName: Name = name;
      constructor(detail: Detail) {
        super(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable === true });
      }
    };
}
