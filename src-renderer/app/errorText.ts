import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import { useTranslation } from 'react-i18next';
import { useCatalogText, type CatalogText } from '../guidance/useCatalogText';
import { i18n } from '../i18n';

interface KeyedDetails {
  key?: string;
  [k: string]: unknown;
}

/**
 * An error as the screen's language says it. Errors cross the boundary as data with a code (and,
 * where a person needs specifics, `details.key` and the ids involved): the screen names
 * departments and procedures by their names, never by ids. English screens may show the
 * service's own message, which is English and more specific; other languages get the code's text.
 */
export function errorText(e: unknown, t: TFunction, ct: CatalogText): string {
  if (!(e instanceof ApiError)) return t('errors.code.internal');
  const d = (e.data.details ?? {}) as KeyedDetails;
  const list = (xs: string[]) => xs.join(t('errors.listSeparator', { defaultValue: '、' }));
  if (d.key === 'open-items' && Array.isArray(d.items)) {
    const items = (d.items as Array<{ id: string }>).map((i) => ct.plain(`procedure.${i.id}`, i.id));
    return t('counter:finishCheck.refused', { number: d.number, items: list(items) });
  }
  if (d.key === 'undecided-differences' && Array.isArray(d.differences)) {
    return t('counter:residents.diffUndecided', { count: d.differences.length });
  }
  if (d.key === 'wrong-department') {
    return t('errors.wrongDepartment', { staff: d.staff, department: ct.plain(`department.${String(d.department)}`), counter: ct.plain(`department.${String(d.counterDepartment)}`) });
  }
  if (i18n.language === 'en' && e.code !== 'internal') return e.message;
  const text = t(`errors.code.${e.code}`, { field: e.field ?? '', defaultValue: e.message });
  return e.field ? text : text.replace(/\s?[（(]\s*[）)]/g, '');
}

/** errorText bound to the screen's language and catalog names. */
export function useErrorText(): (e: unknown) => string {
  const { t } = useTranslation('common');
  const ct = useCatalogText();
  return (e: unknown) => errorText(e, t, ct);
}
