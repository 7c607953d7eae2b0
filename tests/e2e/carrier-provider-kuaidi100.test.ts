import { providerSuite } from './carrier-provider-suite.js';

providerSuite('kuaidi100');
