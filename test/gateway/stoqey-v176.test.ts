import { accountSuite } from './suite/account-suite.js';
import { connectionSuite } from './suite/connection-suite.js';
import { errorsSuite } from './suite/errors-suite.js';
import { marketDataSuite } from './suite/market-data-suite.js';
import { orderManagementSuite } from './suite/order-management-suite.js';
import { ordersSuite } from './suite/orders-suite.js';

/** The same contract suite with the gateway capped at server version 176: version-conditional encoding. */
connectionSuite(176);
marketDataSuite(176);
accountSuite(176);
ordersSuite(176);
orderManagementSuite(176);
errorsSuite(176);
