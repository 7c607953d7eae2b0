import { providerSuite } from './carrier-provider-suite.js';

providerSuite('17track');
