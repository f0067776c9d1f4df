import { leaderPartitionSuite } from '../../support/ordering-suites';

leaderPartitionSuite('raft');
