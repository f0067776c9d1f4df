import { leaderPartitionSuite } from '../../support/ordering-suites';

leaderPartitionSuite('bft');
