import { quorumLossSuite } from '../../support/ordering-suites';

quorumLossSuite('raft');
