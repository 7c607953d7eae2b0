import { surveyApiConfig, readConfig } from '../config/functions.js';
import { surveyApp } from '../http/survey-app.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { caseStore, followUpStore, satisfactionStore, surveyStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(surveyApiConfig);
const cases = caseStore(config);
const surveys = surveyStore(config);
const waits = waitStore(config);
const satisfaction = satisfactionStore(config);
const followUps = followUpStore(config);
const workflow = caseWorkflow();
const alerts = opsAlerts(config);
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);

/** GET /surveys/{token}: the form. POST /surveys/{token}: the answer (form-encoded from the page, or JSON); functions/http/survey-app.ts. */
const app = surveyApp({ cases, surveys, waits, workflow, satisfaction, followUps, alerts, markets: deploymentMarkets, logger });

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(app);
