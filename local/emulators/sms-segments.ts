export { smsEncoding, smsSegments, type SmsEncoding } from '../../functions/domain/sms-segments.js';
