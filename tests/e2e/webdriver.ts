// A minimal W3C WebDriver client over fetch: enough to start the real app
// through tauri-driver, read the DOM, click and take screenshots.

const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

interface WebDriverReply {
  value: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function request(method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let reply: WebDriverReply;
  try {
    reply = JSON.parse(text) as WebDriverReply;
  } catch {
    throw new Error(`${method} ${url}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!response.ok) {
    const value = reply.value;
    const detail = isRecord(value) ? `${String(value['error'])}: ${String(value['message'])}` : text;
    throw new Error(`${method} ${url}: HTTP ${response.status}: ${detail}`);
  }
  return reply.value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value or `timeoutMs` passes; rethrows the last failure. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('never tried');
  while (Date.now() < deadline) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${String(lastError)}`);
}

/** One WebDriver session (one running app). */
export class WebDriverSession {
  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  /** Creates a session; for tauri-driver this launches the application. */
  static async start(driverUrl: string, capabilities: Record<string, unknown>): Promise<WebDriverSession> {
    const value = await request('POST', `${driverUrl}/session`, {
      capabilities: { alwaysMatch: capabilities },
    });
    if (!isRecord(value) || typeof value['sessionId'] !== 'string') {
      throw new Error(`unexpected new-session reply: ${JSON.stringify(value)}`);
    }
    return new WebDriverSession(driverUrl, value['sessionId']);
  }

  private url(path: string): string {
    return `${this.base}/session/${this.id}${path}`;
  }

  /** WebDriver id of the first element matching `css`; throws if there is none. */
  private async find(css: string): Promise<string> {
    const found = await request('POST', this.url('/element'), { using: 'css selector', value: css });
    if (!isRecord(found) || typeof found[ELEMENT_KEY] !== 'string') {
      throw new Error(`no element id for ${css}: ${JSON.stringify(found)}`);
    }
    return found[ELEMENT_KEY];
  }

  /** Text of the first element matching `css`; throws if there is none. */
  async text(css: string): Promise<string> {
    const id = await this.find(css);
    const text = await request('GET', this.url(`/element/${id}/text`));
    if (typeof text !== 'string') {
      throw new Error(`element text of ${css} is not a string`);
    }
    return text;
  }

  /** Texts of every element matching `css` (none: an empty list). */
  async texts(css: string): Promise<string[]> {
    const found = await request('POST', this.url('/elements'), { using: 'css selector', value: css });
    if (!Array.isArray(found)) {
      throw new Error(`unexpected find-elements reply for ${css}: ${JSON.stringify(found)}`);
    }
    const texts: string[] = [];
    for (const item of found) {
      if (!isRecord(item) || typeof item[ELEMENT_KEY] !== 'string') continue;
      const text = await request('GET', this.url(`/element/${item[ELEMENT_KEY]}/text`));
      texts.push(typeof text === 'string' ? text : '');
    }
    return texts;
  }

  /** Clicks the first element matching `css`, waiting until it exists. */
  async click(css: string, timeoutMs = 10_000): Promise<void> {
    const id = await waitFor(`${css} to click`, timeoutMs, () => this.find(css));
    await request('POST', this.url(`/element/${id}/click`), {});
  }

  /** Waits until at least `min` elements match `css`; returns their texts. */
  waitForAll(css: string, min: number, timeoutMs: number): Promise<string[]> {
    return waitFor(`${min} × ${css}`, timeoutMs, async () => {
      const texts = await this.texts(css);
      if (texts.length < min) throw new Error(`only ${texts.length} × ${css}`);
      return texts;
    });
  }

  /** Waits until `css` exists and has non-empty text, and returns that text. */
  waitForText(css: string, timeoutMs: number): Promise<string> {
    return waitFor(`text in ${css}`, timeoutMs, async () => {
      const text = await this.text(css);
      if (text.trim() === '') {
        throw new Error(`${css} is empty`);
      }
      return text;
    });
  }

  /** The document title. */
  async title(): Promise<string> {
    const title = await request('GET', this.url('/title'));
    return typeof title === 'string' ? title : '';
  }

  /** PNG screenshot of the webview. */
  async screenshot(): Promise<Buffer> {
    const data = await request('GET', this.url('/screenshot'));
    if (typeof data !== 'string') {
      throw new Error('screenshot reply is not base64 text');
    }
    return Buffer.from(data, 'base64');
  }

  /** Ends the session, which closes the application. */
  async close(): Promise<void> {
    await request('DELETE', this.url(''));
  }
}
