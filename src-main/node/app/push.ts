import { EventEmitter } from 'node:events';
import type { PushMap, PushMessage, PushName } from '../../common/contract';

/** Fan-out of pushed events to every connected renderer, whatever the transport. */
export class PushHub {
  private readonly em = new EventEmitter();

  constructor() {
    this.em.setMaxListeners(0);
  }

  publish<K extends PushName>(name: K, data: PushMap[K]): void {
    this.em.emit('push', { name, data } satisfies PushMessage<K>);
  }

  subscribe(listener: (msg: PushMessage) => void): () => void {
    this.em.on('push', listener);
    return () => this.em.off('push', listener);
  }
}
