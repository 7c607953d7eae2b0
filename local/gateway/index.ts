export { startHttpGateway, type HttpGateway, type HttpGatewayOptions } from './http-gateway.js';
export { matchRoute, type RouteMatch } from './route-match.js';
