// Value types of the Nomad job model: exact units and the string grammars Nomad checks at registration.
export { cronWarnings, validateCron } from './cron';
export { Duration, type DurationLike } from './duration';
export { Size, type SizeLike } from './size';
export { validateTimeZone } from './time-zone';
