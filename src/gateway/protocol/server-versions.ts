/**
 * Server versions at which the TWS API text protocol changed a message we read or write (the names are IB's
 * `MIN_SERVER_VER_*` constants). Every version-conditional field in the encoders and decoders refers to one of these.
 */
export const ServerVersion = {
  FractionalPositions: 101,
  PeggedToBenchmark: 102,
  ModelsSupport: 103,
  ExtOperator: 105,
  SoftDollarTier: 106,
  MdSizeMultiplier: 110,
  CashQty: 111,
  ReqSmartComponents: 114,
  AggGroup: 121,
  UnderlyingInfo: 122,
  SyntRealtimeBars: 124,
  MarketRules: 126,
  MarketCapPrice: 131,
  RealExpirationDate: 134,
  LastLiquidity: 136,
  DecisionMaker: 138,
  MifidExecution: 139,
  AutoPriceForHedge: 141,
  WhatIfExtFields: 142,
  OrderContainer: 145,
  DPegOrders: 148,
  PriceMgmtAlgo: 151,
  StockType: 152,
  EncodeMsgAscii7: 153,
  Duration: 158,
  MarketDataInShares: 159,
  PostToAts: 160,
  AutoCancelParent: 162,
  FractionalSizeSupport: 163,
  SizeRules: 164,
  AdvancedOrderReject: 166,
  ManualOrderTime: 169,
  PegBestPegMidOffsets: 170,
  BondIssuerId: 176,
  FaProfileDesupport: 177,
  PendingPriceRevision: 178,
  FundDataFields: 179,
  LastTradeDate: 182,
  CustomerAccount: 183,
  ProfessionalCustomer: 184,
  BondAccruedInterest: 185,
  IneligibilityReasons: 186,
  RfqFields: 187,
  IncludeOvernight: 189,
  UndoRfqFields: 190,
  CmeTaggingFields: 192,
  CmeTaggingFieldsInOpenOrder: 193,
} as const;

/**
 * The range of server versions the gateway can speak. Below 157 messages carry fields (and omit others) that the
 * encoders do not produce; above 193 TWS adds an error timestamp and, from 201, switches to protobuf.
 */
export const SUPPORTED_SERVER_VERSIONS = { min: 157, max: 193 } as const;
