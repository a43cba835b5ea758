import { accountSuite } from './suite/account-suite.js';
import { connectionSuite } from './suite/connection-suite.js';
import { errorsSuite } from './suite/errors-suite.js';
import { marketDataSuite } from './suite/market-data-suite.js';
import { orderManagementSuite } from './suite/order-management-suite.js';
import { ordersSuite } from './suite/orders-suite.js';

/** The same contract suite with the gateway capped at server version 157: version-conditional encoding. */
connectionSuite(157);
marketDataSuite(157);
accountSuite(157);
ordersSuite(157);
orderManagementSuite(157);
errorsSuite(157);
