/**
 * The printed list's own words (headings), per visitor language. Procedure, department and status
 * names come from the catalog's locale files; these are only the frame around them.
 */
export interface ListLabels {
  title: string;
  number: string;
  date: string;
  procedure: string;
  place: string;
  status: string;
  deadline: string;
  bring: string;
  counter: (c: string) => string;
  floor: (f: string) => string;
  empty: string;
  footer: string;
}

export const LIST_LABELS: Record<string, ListLabels> = {
  ja: {
    title: '本日のお手続きのご案内',
    number: '受付番号',
    date: '日付',
    procedure: '手続き',
    place: '窓口',
    status: '区分',
    deadline: '期限',
    bring: 'お持ちいただくもの',
    counter: (c) => `${c}番窓口`,
    floor: (f) => f,
    empty: '手続きはありません',
    footer: '番号が呼ばれましたら、表示された窓口へお越しください。',
  },
  'ja-easy': {
    title: 'きょう する てつづき',
    number: 'ばんごう',
    date: 'ひにち',
    procedure: 'てつづき',
    place: 'まどぐち',
    status: 'しゅるい',
    deadline: 'いつまで',
    bring: 'もってくる もの',
    counter: (c) => `${c}ばん まどぐち`,
    floor: (f) => f,
    empty: 'てつづきは ありません',
    footer: 'ばんごうが よばれたら、まどぐちに きてください。',
  },
  en: {
    title: 'Your procedures today',
    number: 'Ticket number',
    date: 'Date',
    procedure: 'Procedure',
    place: 'Counter',
    status: 'Status',
    deadline: 'Deadline',
    bring: 'Please bring',
    counter: (c) => `Counter ${c}`,
    floor: (f) => f,
    empty: 'No procedures',
    footer: 'When your number is called, please go to the counter shown on the screen.',
  },
  'pt-BR': {
    title: 'Seus procedimentos de hoje',
    number: 'Número da senha',
    date: 'Data',
    procedure: 'Procedimento',
    place: 'Guichê',
    status: 'Situação',
    deadline: 'Prazo',
    bring: 'Traga',
    counter: (c) => `Guichê ${c}`,
    floor: (f) => f,
    empty: 'Nenhum procedimento',
    footer: 'Quando seu número for chamado, dirija-se ao guichê indicado na tela.',
  },
  es: {
    title: 'Sus trámites de hoy',
    number: 'Número de turno',
    date: 'Fecha',
    procedure: 'Trámite',
    place: 'Ventanilla',
    status: 'Estado',
    deadline: 'Plazo',
    bring: 'Traiga',
    counter: (c) => `Ventanilla ${c}`,
    floor: (f) => f,
    empty: 'Ningún trámite',
    footer: 'Cuando llamen su número, acuda a la ventanilla indicada en la pantalla.',
  },
  vi: {
    title: 'Các thủ tục của bạn hôm nay',
    number: 'Số thứ tự',
    date: 'Ngày',
    procedure: 'Thủ tục',
    place: 'Quầy',
    status: 'Loại',
    deadline: 'Thời hạn',
    bring: 'Vui lòng mang theo',
    counter: (c) => `Quầy số ${c}`,
    floor: (f) => f,
    empty: 'Không có thủ tục',
    footer: 'Khi số của bạn được gọi, vui lòng đến quầy hiển thị trên màn hình.',
  },
  'zh-CN': {
    title: '今天需要办理的手续',
    number: '排队号码',
    date: '日期',
    procedure: '手续',
    place: '窗口',
    status: '类别',
    deadline: '期限',
    bring: '请携带',
    counter: (c) => `${c}号窗口`,
    floor: (f) => f,
    empty: '没有需要办理的手续',
    footer: '叫到您的号码时，请前往屏幕上显示的窗口。',
  },
  tl: {
    title: 'Ang mga proseso mo ngayon',
    number: 'Numero ng tiket',
    date: 'Petsa',
    procedure: 'Proseso',
    place: 'Counter',
    status: 'Uri',
    deadline: 'Takdang petsa',
    bring: 'Pakidala',
    counter: (c) => `Counter ${c}`,
    floor: (f) => f,
    empty: 'Walang proseso',
    footer: 'Kapag tinawag ang numero mo, pumunta sa counter na nakikita sa screen.',
  },
};

export function labelsFor(lang: string): ListLabels {
  return LIST_LABELS[lang] ?? LIST_LABELS.en!;
}
