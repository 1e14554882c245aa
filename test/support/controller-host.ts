/** A DOM-free `ReactiveControllerHost` for driving controllers without an element. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FakeHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {}
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
  /** What inserting the element would do: every controller's `hostConnected`. */
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  /** What an update of the element would do: every controller's `hostUpdate`. */
  update(): void {
    for (const c of this.controllers) c.hostUpdate?.();
  }
}
