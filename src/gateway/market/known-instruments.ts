/** Reference data the gateway reports for well-known US symbols (sector fields as IB classifies them). */
export interface InstrumentProfile {
  readonly conId: number;
  readonly longName: string;
  readonly primaryExchange: string;
  readonly industry: string;
  readonly category: string;
  readonly subcategory: string;
  readonly stockType: string;
}

type Row = readonly [
  symbol: string,
  conId: number,
  longName: string,
  exchange: string,
  sector: readonly [string, string, string],
  stockType?: string,
];

const TECH_SOFTWARE = ['Technology', 'Software', 'Applications Software'] as const;
const SEMIS = ['Technology', 'Semiconductors', 'Electronic Compo-Semicon'] as const;
const ETF = ['Funds', 'Equity Fund', 'Growth-Large Cap'] as const;

const ROWS: readonly Row[] = [
  ['AAPL', 265598, 'APPLE INC', 'NASDAQ', ['Technology', 'Computers', 'Computers']],
  ['MSFT', 272093, 'MICROSOFT CORP', 'NASDAQ', TECH_SOFTWARE],
  ['ORCL', 272800, 'ORACLE CORP', 'NYSE', ['Technology', 'Software', 'Enterprise Software/Serv']],
  ['NVDA', 4815747, 'NVIDIA CORP', 'NASDAQ', SEMIS],
  ['AMD', 4391, 'ADVANCED MICRO DEVICES', 'NASDAQ', SEMIS],
  ['INTC', 270639, 'INTEL CORP', 'NASDAQ', SEMIS],
  ['CSCO', 268084, 'CISCO SYSTEMS INC', 'NASDAQ', ['Communications', 'Telecommunications', 'Networking Products']],
  ['IBM', 8314, 'INTL BUSINESS MACHINES CORP', 'NYSE', ['Technology', 'Computers', 'Computer Services']],
  ['GOOGL', 208813719, 'ALPHABET INC-CL A', 'NASDAQ', ['Communications', 'Internet', 'Web Portals/ISP']],
  [
    'META',
    107113386,
    'META PLATFORMS INC-CLASS A',
    'NASDAQ',
    ['Communications', 'Internet', 'Internet Content-Entmnt'],
  ],
  ['AMZN', 3691937, 'AMAZON.COM INC', 'NASDAQ', ['Communications', 'Internet', 'E-Commerce/Products']],
  ['NFLX', 15124833, 'NETFLIX INC', 'NASDAQ', ['Communications', 'Internet', 'Internet Content-Entmnt']],
  ['TSLA', 76792991, 'TESLA INC', 'NASDAQ', ['Consumer, Cyclical', 'Auto Manufacturers', 'Auto-Cars/Light Trucks']],
  ['DIS', 6459, 'WALT DISNEY CO/THE', 'NYSE', ['Communications', 'Media', 'Multimedia']],
  ['WMT', 13824, 'WALMART INC', 'NYSE', ['Consumer, Non-cyclical', 'Retail', 'Retail-Discount']],
  ['KO', 8894, 'COCA-COLA CO/THE', 'NYSE', ['Consumer, Non-cyclical', 'Beverages', 'Beverages-Non-alcoholic']],
  [
    'PG',
    13200,
    'PROCTER & GAMBLE CO/THE',
    'NYSE',
    ['Consumer, Non-cyclical', 'Cosmetics/Personal Care', 'Cosmetics&Toiletries'],
  ],
  ['JNJ', 8719, 'JOHNSON & JOHNSON', 'NYSE', ['Consumer, Non-cyclical', 'Pharmaceuticals', 'Medical-Drugs']],
  ['JPM', 1520593, 'JPMORGAN CHASE & CO', 'NYSE', ['Financial', 'Banks', 'Diversified Banking Inst']],
  ['BAC', 10098, 'BANK OF AMERICA CORP', 'NYSE', ['Financial', 'Banks', 'Diversified Banking Inst']],
  ['XOM', 13977, 'EXXON MOBIL CORP', 'NYSE', ['Energy', 'Oil&Gas', 'Oil Comp-Integrated']],
  ['CVX', 5491, 'CHEVRON CORP', 'NYSE', ['Energy', 'Oil&Gas', 'Oil Comp-Integrated']],
  ['SPY', 756733, 'SPDR S&P 500 ETF TRUST', 'ARCA', ETF, 'ETF'],
  ['QQQ', 320227571, 'INVESCO QQQ TRUST SERIES 1', 'NASDAQ', ETF, 'ETF'],
  ['IWM', 9579970, 'ISHARES RUSSELL 2000 ETF', 'ARCA', ['Funds', 'Equity Fund', 'Small Cap'], 'ETF'],
];

export const KNOWN_INSTRUMENTS: ReadonlyMap<string, InstrumentProfile> = new Map(
  ROWS.map(([symbol, conId, longName, primaryExchange, [industry, category, subcategory], stockType]) => [
    symbol,
    { conId, longName, primaryExchange, industry, category, subcategory, stockType: stockType ?? 'COMMON' },
  ]),
);

/** The volatility index the risk engine watches: CBOE's VIX. */
export const VIX_PROFILE = {
  symbol: 'VIX',
  conId: 13455763,
  longName: 'CBOE Volatility Index',
  exchange: 'CBOE',
} as const;
