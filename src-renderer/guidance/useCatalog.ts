import { useEffect, useState } from 'react';
import { parseCatalog } from '../../src-main/common/catalog/parse';
import type { Catalog } from '../../src-main/common/catalog/types';
import { call } from '../api/client';

/** The terminal's catalog (the city's own data folder copy when it has one), parsed by the same schema. */
export function useTerminalCatalog(): { catalog?: Catalog; error?: string } {
  const [state, setState] = useState<{ catalog?: Catalog; error?: string }>({});
  useEffect(() => {
    call('catalog.bundle', {})
      .then((b) => setState({ catalog: parseCatalog(b) }))
      .catch((e: Error) => setState({ error: e.message }));
  }, []);
  return state;
}
