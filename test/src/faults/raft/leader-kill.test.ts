import { leaderKillSuite } from '../../support/ordering-suites';

leaderKillSuite('raft');
