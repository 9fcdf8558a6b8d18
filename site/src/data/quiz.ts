/**
 * Scenario questions written for the quiz. Each option may name the pattern it stands for; the
 * explanation says why the answer holds and the linked pages go deeper.
 */
import type { QuizQuestion } from '../lib/quiz';

export const HANDWRITTEN_QUESTIONS: readonly QuizQuestion[] = [
  {
    id: 'hand-hung-pool',
    prompt:
      'A checkout service calls a fraud-scoring API. One afternoon the API stops answering some calls at all, ' +
      'and within minutes every worker thread of checkout is stuck waiting. What would have kept checkout serving?',
    options: [
      'A timeout on each call',
      'A bigger thread pool',
      'Caching fraud scores',
      'Event sourcing the orders',
    ],
    answer: 0,
    explanation:
      'Calls that never return hold their thread forever; a larger pool only delays the moment it fills. A timeout gives the thread back after a bounded wait.',
    links: ['timeout', 'bulkhead'],
  },
  {
    id: 'hand-synchronised-retries',
    prompt:
      'After a brief database failover, ten thousand clients all retry exactly one second later, then two, then four, and the database falls over again at each wave. What is missing?',
    options: [
      'Random jitter on the backoff delays',
      'More retry attempts',
      'A shorter timeout',
      'A second database region',
    ],
    answer: 0,
    explanation:
      'Exponential backoff without jitter keeps the clients in step, so their retries arrive as waves. Jitter spreads them over the interval.',
    links: ['retry-backoff'],
  },
  {
    id: 'hand-failing-dependency',
    prompt:
      'A recommendations service has been failing every call for five minutes. Callers keep sending it full traffic, each call taking two seconds to fail. Which pattern makes them fail fast and give it room to recover?',
    options: ['Circuit breaker', 'Retry with backoff', 'Load balancing', 'Leader election'],
    answer: 0,
    explanation:
      'A circuit breaker remembers recent failures, refuses calls at once while open, and lets a few probes through later to check for recovery.',
    links: ['circuit-breaker'],
  },
  {
    id: 'hand-noisy-report',
    prompt:
      'A slow reporting endpoint shares a connection pool with the login endpoint. When reports pile up, logins start failing too. Which pattern isolates them?',
    options: ['Bulkhead', 'CQRS', 'Sharding', 'API gateway'],
    answer: 0,
    explanation:
      'A bulkhead gives each kind of work its own bounded pool, so a slow one can exhaust only its own compartment.',
    links: ['bulkhead'],
  },
  {
    id: 'hand-order-payment-stock',
    prompt:
      'Placing an order must reserve stock, charge the card and book a courier, each in a different service with its own database. No distributed transaction coordinator is available. How do you keep the order from ending half done?',
    options: [
      'A saga with a compensating step for each action',
      'Two-phase commit across the three databases',
      'A distributed lock around the whole operation',
      'Retry every step until it succeeds',
    ],
    answer: 0,
    explanation:
      'A saga runs local transactions in sequence and, when one fails, runs compensations for those already done: release the stock, refund the card.',
    links: ['saga', 'two-phase-commit'],
  },
  {
    id: 'hand-dual-write',
    prompt:
      'A service writes an order to its database and then publishes an OrderPlaced message. Occasionally the process crashes between the two and the message is lost. What fixes this?',
    options: [
      'Write the message to an outbox table in the same transaction',
      'Publish the message before writing to the database',
      'Put a circuit breaker around the broker',
      'Cache the order until the message is sent',
    ],
    answer: 0,
    explanation:
      'With an outbox the business row and the message commit or roll back together; a relay publishes the message afterwards, at least once.',
    links: ['outbox', 'cdc'],
  },
  {
    id: 'hand-cron-twice',
    prompt:
      'A nightly billing job runs on three replicas of a service for availability, but it must run on exactly one of them at a time. Which pattern fits?',
    options: ['Leader election', 'Load balancing', 'Auto-scaling', 'Health check'],
    answer: 0,
    explanation:
      'Electing one replica as leader (with a lease, so a dead leader is replaced) makes exactly one of them run the job while the others stand by.',
    links: ['leader-election', 'distributed-lock'],
  },
  {
    id: 'hand-paused-lock-holder',
    prompt:
      'A worker holding a lease-based lock pauses for a long garbage collection; its lease expires, another worker takes the lock, and then the first wakes up and writes. What stops the stale write?',
    options: [
      'A fencing token checked by the storage on every write',
      'A longer lease',
      'Retrying the write with backoff',
      'A health check on the worker',
    ],
    answer: 0,
    explanation:
      'A lock alone cannot stop a holder that does not know it lost the lock. A token that increases with each grant lets the storage reject writes from older holders.',
    links: ['distributed-lock'],
  },
  {
    id: 'hand-offline-edits',
    prompt:
      'A note-taking app lets users edit on several devices while offline and must merge their edits automatically when they reconnect, without a central coordinator. Which pattern is built for this?',
    options: ['CRDT', 'Two-phase commit', 'Leader-follower replication', 'Distributed lock'],
    answer: 0,
    explanation:
      'Conflict-free replicated data types merge concurrent updates deterministically, so replicas that have seen the same updates converge without coordination.',
    links: ['crdt'],
  },
  {
    id: 'hand-audit-replay',
    prompt:
      'Regulators require the full history of every account balance change, and the team wants to rebuild new read models from that history later. Which pattern stores state that way?',
    options: ['Event sourcing', 'Caching strategies', 'Sharding', 'Service mesh'],
    answer: 0,
    explanation:
      'Event sourcing keeps the sequence of changes as the source of truth; the current state and any new projection are computed by replaying it.',
    links: ['event-sourcing', 'cqrs'],
  },
  {
    id: 'hand-liveness-restart',
    prompt:
      'A liveness probe checks the database as well as the process. During a short database outage, the orchestrator restarts every instance of the service at once. What went wrong?',
    options: [
      'Liveness should check only the process itself; dependencies belong in readiness',
      'The probe interval was too long',
      'The service needed a circuit breaker on the probe',
      'The database should have been sharded',
    ],
    answer: 0,
    explanation:
      'A failed liveness check means "restart me". Restarting cannot fix a dependency outage, so dependencies belong in readiness, which only takes the instance out of rotation.',
    links: ['health-check'],
  },
  {
    id: 'hand-read-heavy-product',
    prompt:
      'A product catalogue is read thousands of times for every write, and most reads ask for the same few hundred items. What is the cheapest first step to cut database load?',
    options: [
      'A cache in front of the database',
      'Sharding the database',
      'Multi-region deployment',
      'A saga',
    ],
    answer: 0,
    explanation:
      'A skewed, read-heavy workload is what caching serves best: the hot items stay in memory and most reads never reach the database.',
    links: ['caching'],
  },
];
