/**
 * Japanese labels for the printed and exported report. Department names come from the catalog
 * when it is loaded (the city renames departments); these are the fallbacks from CATALOG.md.
 */
export const DEPARTMENT_LABELS: Readonly<Record<string, string>> = {
  shimin: '市民課',
  shiminzei: '市民税課',
  shuno: '収納課',
  shisanzei: '資産税課',
  kokuho: '国民健康保険課',
  'nenkin-iryo': '年金医療課',
  kaigo: '介護保険課',
  kodomo: 'こども支援課',
  hoiku: '保育課',
  kenko: '健康づくり課',
  gakko: '学校教育課',
  shogai: '障害福祉課',
  kankyo: '環境保全課',
};

export const LIFE_EVENT_LABELS: Readonly<Record<string, string>> = {
  'moving-in': '転入',
  'moving-out': '転出',
  'moving-within': '転居',
  birth: '出生',
  death: '死亡',
  marriage: '婚姻',
  divorce: '離婚',
  'household-change': '世帯変更',
  certificate: '証明書',
};

export const ROUTE_LABELS: Readonly<Record<string, string>> = {
  accept: '① 総合窓口で完結',
  proxy: '② 代理受付',
  refer: '③ 所管課へ案内',
  'refer-optional': '④ 所管課へ案内 (任意)',
};

export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  accepted: '受付',
  proxy: '代理受付',
  referred: '案内済',
  declined: '不要',
  'awaiting-delivery': '事後交付待ち',
  'to-confirm': '要確認',
  pending: '未処理',
};

export const PAYMENT_LABELS: Readonly<Record<string, string>> = {
  cash: '現金',
  card: 'クレジットカード',
  qr: 'QRコード決済',
  'e-money': '電子マネー',
};

export const SURVEY_LABELS: Readonly<Record<string, string>> = {
  ease: '使いやすさ',
  convenience: '便利さ',
  waiting: '待ち時間',
  clarity: '案内の分かりやすさ',
  cashless: 'キャッシュレス決済',
};

export const STATUS_LABELS: Readonly<Record<string, string>> = {
  waiting: '待ち',
  called: '呼出中',
  serving: '対応中',
  'no-show': '不在',
  done: '完了',
  cancelled: '取消',
};

export function departmentLabel(id: string, names?: Readonly<Record<string, string>>): string {
  if (id === '*') return '全体';
  return names?.[id] ?? DEPARTMENT_LABELS[id] ?? id;
}

export const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'] as const;

export function weekdayJa(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return WEEKDAYS_JA[d.getUTCDay()]!;
}
