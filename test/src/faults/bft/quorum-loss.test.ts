import { quorumLossSuite } from '../../support/ordering-suites';

quorumLossSuite('bft');
