export { until } from '@oars/testing';
