import { accountSuite } from './suite/account-suite.js';
import { connectionSuite } from './suite/connection-suite.js';
import { errorsSuite } from './suite/errors-suite.js';
import { marketDataSuite } from './suite/market-data-suite.js';
import { orderManagementSuite } from './suite/order-management-suite.js';
import { ordersSuite } from './suite/orders-suite.js';

/** The contract suite at @stoqey/ib's highest server version (193). */
connectionSuite(undefined);
marketDataSuite(undefined);
accountSuite(undefined);
ordersSuite(undefined);
orderManagementSuite(undefined);
errorsSuite(undefined);
