export { startHttpGateway, type HttpGateway, type HttpGatewayOptions } from './http-gateway.js';
export { matchRoute, type RouteMatch } from './route-match.js';
export { localJwtAuthorizer, type JwtAuthorizerContext, type LocalJwtAuthorizer } from './jwt-authorizer.js';
