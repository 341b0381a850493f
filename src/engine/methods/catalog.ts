import type { MethodId } from '../core/config';

/**
 * What the page needs to list the methods: names, one-line summaries and availability, without
 * importing their implementations (NAO's and DNA's pull in TensorFlow.js, which belongs in the
 * worker's bundle, not the page's). test/catalog.test.ts keeps `available` in step with the runners.
 */
export interface MethodInfo {
  id: MethodId;
  title: string;
  summary: string;
  available: boolean;
}

export const METHOD_CATALOG: MethodInfo[] = [
  { id: 'random', title: 'Random search', summary: 'Samples cells uniformly at random and keeps the best by the evaluator’s score: the baseline every NAS result must beat.', available: true },
  { id: 'evolution', title: 'Regularised evolution', summary: 'Mutates the best of a random sample of the population and retires the oldest member (aging evolution).', available: true },
  { id: 'nao', title: 'NAO — Neural Architecture Optimization', summary: 'Encodes cells into a continuous space, climbs a learned predictor there and decodes better cells.', available: true },
  { id: 'dna', title: 'DNA — block-wise distillation', summary: 'Trains each block of the network against a teacher block, rates every candidate, then picks one per block under a budget.', available: true },
  { id: 'cream', title: 'Cream — prioritized paths', summary: 'Keeps a board of the best paths found so far and lets them teach the path being trained.', available: true },
];
