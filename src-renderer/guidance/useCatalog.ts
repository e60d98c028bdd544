import { useEffect, useState } from 'react';
import { parseCatalog } from '../../src-main/common/catalog/parse';
import type { Catalog } from '../../src-main/common/catalog/types';
import { call, onPush } from '../api/client';

/** Events after which the terminal may serve another catalog version (issue 19). */
const CATALOG_EVENTS = ['catalog.published', 'catalog.activated'];

/**
 * The terminal's active catalog (a published version, else the data folder's copy, else the
 * shipped one), parsed by the same schema; read again when a version arrives or takes effect.
 */
export function useTerminalCatalog(): { catalog?: Catalog; error?: string } {
  const [state, setState] = useState<{ catalog?: Catalog; error?: string }>({});
  useEffect(() => {
    let hash = '';
    // The small status first: the whole bundle only when the served version changed.
    const load = async () => {
      try {
        const st = await call('catalog.status', {}).catch(() => null);
        if (st && st.hash === hash) return;
        const b = await call('catalog.bundle', {});
        hash = st?.hash ?? '';
        setState({ catalog: parseCatalog(b) });
      } catch (e) {
        setState((s) => (s.catalog ? s : { error: (e as Error).message }));
      }
    };
    void load();
    return onPush('events', (e) => {
      if (e.types.length === 0 || e.types.some((t) => CATALOG_EVENTS.includes(t))) void load();
    });
  }, []);
  return state;
}
