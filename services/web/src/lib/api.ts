// The gateway's REST API (/api/v1), as the exam room uses it. The access token lives only in this
// object's memory; the refresh token is an HttpOnly cookie the browser sends to the refresh path.

export type Answer =
  | { choices: string[] }
  | { text: string }
  | { likert: number }
  | { cleared: true };

export interface SavedAnswer {
  questionId: string;
  saveNumber: number;
  answer: Answer;
  savedAt: string;
}

export interface SessionView {
  sessionId: string;
  examId: string;
  contentVersion: number;
  candidateId: string;
  status: 'ACTIVE' | 'SUBMITTED';
  startedAt: string;
  deadline: string;
  remainingMillis: number;
  serverTime: string;
  answers: SavedAnswer[];
  flaggedQuestionIds: string[];
  submittedAt?: string;
  submissionCause?: 'CANDIDATE' | 'DEADLINE';
  highestSaveNumber: number;
  receipt?: Record<string, unknown>;
  pausedAt?: string;
  /** The key this page authenticates and encrypts its offline journal with; given when starting or resuming. */
  offlineJournalKey?: string;
}

export interface QueueView {
  ticket: number;
  position: number;
  estimatedWaitSeconds: number;
  /** The exam is full: the line moves as sessions end, and the estimate is the least the wait can be. */
  waitingForRoom: boolean;
}

export interface StartView {
  session?: SessionView;
  alreadyStarted: boolean;
  queue?: QueueView;
}

export interface QuestionView {
  id: string;
  kind: 'SINGLE_BEST_ANSWER' | 'MULTIPLE_RESPONSE' | 'SHORT_TEXT' | 'KEY_FEATURES_CASE' | 'SCRIPT_CONCORDANCE';
  stem?: string;
  options?: { id: string; text: string }[];
  maxLength?: number;
  vignette?: string;
  hypothesis?: string;
  newInformation?: string;
  scaleLabels?: string[];
  questions?: QuestionView[];
}

export interface ContentView {
  examId: string;
  version: number;
  title: string;
  durationSeconds: number;
  questions: QuestionView[];
}

export interface LeaseView {
  expiresAt: string;
  highestSaveNumber: number;
  renewAfterMillis: number;
  status: 'ACTIVE' | 'SUBMITTED';
  remainingMillis: number;
  deadline: string;
  pausedAt?: string;
}

export interface SaveView {
  saveNumber: number;
  outcome: 'APPLIED' | 'DUPLICATE' | 'SUPERSEDED';
  remainingMillis: number;
}

export type CandidateState = 'NOT_STARTED' | 'WAITING' | 'IN_EXAM' | 'PAUSED' | 'SUBMITTED';

export interface LiveCandidate {
  candidateId: string;
  site?: string;
  state: CandidateState;
  answered: number;
  startedAt?: string;
  deadline?: string;
  lastSaveAt?: string;
  pausedAt?: string;
  submittedAt?: string;
  lastSeenAt?: string;
  disconnected: boolean;
  undecidedJournals: number;
  /** Their place in the exam's line while WAITING. */
  placeInLine?: number;
}

export interface OfflineEntryView {
  questionId: string;
  saveNumber: number;
  answer: Answer;
  recordedAt: string;
  counts: boolean;
  afterDeadline: boolean;
}

/** An uploaded offline journal and where it stands. */
export interface OfflineJournalView {
  sessionId: string;
  uploadId: string;
  entries: OfflineEntryView[];
  decision: 'UNDECIDED' | 'ACCEPTED' | 'REJECTED';
  uploadedBy: string;
  uploadedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  deadline: string;
  changed: boolean;
}

export interface SiteCounts {
  site?: string;
  notStarted: number;
  inExam: number;
  paused: number;
  submitted: number;
  disconnected: number;
}

export interface LiveViewData {
  sites: SiteCounts[];
  candidates: LiveCandidate[];
  matching: number;
  nextPageToken?: string;
  waiting: number;
  at: string;
}

/** How many candidates the console reads at once. */
export const LIVE_PAGE = 200;

/** Which sessions a proctor acts on. */
export type PauseScope = { sessionId: string } | { site: string } | { wholeExam: true };

/** A refusal from the platform (application/problem+json). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    detail: string,
    readonly retryable: boolean,
    readonly retryAfterSeconds?: number,
    readonly questionId?: string,
  ) {
    super(detail);
  }
}

/** The request never got an answer: no network, or the connection broke. */
export class Offline extends Error {}

type Fetch = typeof fetch;

/** This tab, kept across its reloads (so a reload takes its own lease back at once), new in every other tab. */
function tabId(): string {
  const KEY = 'amphi-client';
  try {
    const kept = sessionStorage.getItem(KEY);
    if (kept) return kept;
    const made = crypto.randomUUID();
    sessionStorage.setItem(KEY, made);
    return made;
  } catch {
    return crypto.randomUUID();
  }
}

export class Api {
  private token: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** This page, as the server's session lease knows it: one live page per session. */
  readonly clientId: string = typeof sessionStorage === 'undefined' ? crypto.randomUUID() : tabId();

  constructor(
    private readonly base = '/api/v1',
    private readonly fetchFn: Fetch = (input, init) => fetch(input, init),
  ) {}

  get signedIn(): boolean {
    return this.token !== null;
  }

  async signIn(examId: string, candidateNumber: string, accessCode: string): Promise<void> {
    const tokens = await this.send<{ accessToken: string }>('POST', '/auth/candidate', { examId, candidateNumber, accessCode }, false);
    this.token = tokens.accessToken;
  }

  /** A service account (a proctor's console) signs in; it has no refresh cookie and signs in again when the token expires. */
  async signInClient(clientId: string, clientSecret: string): Promise<void> {
    const tokens = await this.send<{ accessToken: string }>('POST', '/auth/client', { clientId, clientSecret }, false);
    this.token = tokens.accessToken;
  }

  live(examId: string, filter: { site?: string; state?: CandidateState; search?: string; pageToken?: string }): Promise<LiveViewData> {
    const query = new URLSearchParams({ pageSize: String(LIVE_PAGE) });
    if (filter.site) query.set('site', filter.site);
    if (filter.state) query.set('state', filter.state);
    if (filter.search) query.set('search', filter.search);
    if (filter.pageToken) query.set('pageToken', filter.pageToken);
    return this.send('GET', `/exams/${encodeURIComponent(examId)}/live?${query}`);
  }

  pause(examId: string, scope: PauseScope, reason: string, goOn = false): Promise<{ changed: number; unchanged: number; ended: number; failed: number }> {
    return this.send('POST', `/exams/${encodeURIComponent(examId)}/${goOn ? 'unpause' : 'pause'}`, { ...scope, reason });
  }

  /**
   * Adds time while the deadline is still the one the proctor saw, so a click that is sent again
   * (or a second proctor's click for the same incident) does not add it twice.
   */
  extend(sessionId: string, seconds: number, reason: string, expectedDeadline?: string): Promise<SessionView> {
    return this.send('POST', `/sessions/${encodeURIComponent(sessionId)}/extensions`, { seconds, reason, expectedDeadline });
  }

  /**
   * New tokens from the refresh cookie; false when there is none (sign in again). Calls made at the
   * same moment share one refresh: a refresh token works once, and presenting it twice would end
   * every refresh token of the candidate.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const before = this.token;
      this.refreshing = (async () => {
        try {
          const tokens = await this.send<{ accessToken: string }>('POST', '/auth/refresh', undefined, false);
          this.token = tokens.accessToken;
          return true;
        } catch (e) {
          if (e instanceof Problem && e.status === 401) {
            if (this.token === before) this.token = null;
            return false;
          }
          throw e;
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  /** Forgets the tokens and removes the refresh cookie (a shared computer after the exam). */
  async signOut(): Promise<void> {
    this.token = null;
    await this.send('DELETE', '/auth/refresh', undefined, false).catch(() => {});
  }

  start(examId: string): Promise<StartView> {
    return this.send('POST', `/exams/${encodeURIComponent(examId)}/session`);
  }

  resume(sessionId: string): Promise<SessionView> {
    return this.send('GET', `/sessions/${encodeURIComponent(sessionId)}`);
  }

  content(sessionId: string): Promise<ContentView> {
    return this.send('GET', `/sessions/${encodeURIComponent(sessionId)}/content`);
  }

  /** Holds or renews the session's lease for this page; the answer is also the session's clock. */
  hold(sessionId: string): Promise<LeaseView> {
    return this.send('PUT', `/sessions/${encodeURIComponent(sessionId)}/lease`);
  }

  /** Lets go of the lease as the page closes (a request that outlives the page). */
  release(sessionId: string): void {
    if (!this.token) return;
    void this.fetchFn(`${this.base}/sessions/${encodeURIComponent(sessionId)}/lease`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${this.token}`, 'Amphi-Client': this.clientId },
      keepalive: true,
    }).catch(() => {});
  }

  save(sessionId: string, questionId: string, saveNumber: number, answer: Answer): Promise<SaveView> {
    return this.send('PUT', `/sessions/${encodeURIComponent(sessionId)}/answers/${encodeURIComponent(questionId)}`,
      { saveNumber, answer });
  }

  flag(sessionId: string, questionId: string, flagged: boolean): Promise<{ flagged: boolean; changed: boolean }> {
    return this.send('PUT', `/sessions/${encodeURIComponent(sessionId)}/flags/${encodeURIComponent(questionId)}`, { flagged });
  }

  submit(sessionId: string): Promise<SessionView> {
    return this.send('POST', `/sessions/${encodeURIComponent(sessionId)}/submission`);
  }

  /** A proctor uploads the journal file a candidate's page downloaded when the time ran out offline. */
  uploadJournal(sessionId: string, file: string): Promise<OfflineJournalView> {
    return this.send('POST', `/proctor/sessions/${encodeURIComponent(sessionId)}/offline-journals`, file, true, true,
      'application/vnd.amphi.offline-journal+json');
  }

  /** A session's uploaded journals, oldest first. */
  journals(sessionId: string): Promise<{ journals: OfflineJournalView[] }> {
    return this.send('GET', `/proctor/sessions/${encodeURIComponent(sessionId)}/offline-journals`);
  }

  /** A proctor accepts (its answers count) or rejects an uploaded journal, with a reason. */
  decideJournal(sessionId: string, uploadId: string, accept: boolean, reason: string): Promise<OfflineJournalView> {
    return this.send('POST', `/proctor/sessions/${encodeURIComponent(sessionId)}/offline-journals/${uploadId}/decision`,
      { accept, reason });
  }

  private async send<T>(method: string, path: string, body?: unknown, authenticated = true, again = true,
                        type = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = type;
    if (authenticated && this.token) headers.Authorization = `Bearer ${this.token}`;
    if (path.startsWith('/sessions/')) headers['Amphi-Client'] = this.clientId;
    let response: Response;
    try {
      response = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new Offline('no answer from the server');
    }
    if (response.ok) {
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
    const problem = await readProblem(response);
    if (authenticated && again && problem.status === 401 && problem.reason === 'TOKEN_EXPIRED' && (await this.refresh())) {
      return this.send(method, path, body, authenticated, false, type);
    }
    throw problem;
  }
}

async function readProblem(response: Response): Promise<Problem> {
  let body: Record<string, unknown> = {};
  try {
    body = await response.json();
  } catch {
    // not problem+json (a proxy's error page): the status says enough
  }
  const header = Number(response.headers.get('Retry-After'));
  return new Problem(
    response.status,
    typeof body.reason === 'string' ? body.reason : `HTTP_${response.status}`,
    typeof body.detail === 'string' ? body.detail : response.statusText,
    body.retryable === true || response.status === 429 || response.status >= 500,
    typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : Number.isFinite(header) && header > 0 ? header : undefined,
    typeof body.questionId === 'string' ? body.questionId : undefined,
  );
}
