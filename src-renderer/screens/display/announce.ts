/**
 * The hall's chime and voice. The chime is synthesised with Web Audio (no sound file to ship); the
 * announcement uses the machine's speech voices, only where a voice for the language exists.
 */
let ctx: AudioContext | null = null;

export function audioContext(): AudioContext | null {
  if (ctx) return ctx;
  const AC = (window as unknown as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }).AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!AC) return null;
  ctx = new AC();
  return ctx;
}

export function audioReady(): boolean {
  return audioContext()?.state === 'running';
}

export async function enableAudio(): Promise<boolean> {
  const c = audioContext();
  if (!c) return false;
  if (c.state !== 'running') await c.resume().catch(() => undefined);
  return c.state === 'running';
}

/** ピン・ポーン: two soft sine tones, a major third apart. */
export function chime(): boolean {
  const c = audioContext();
  if (!c || c.state !== 'running') return false;
  const t0 = c.currentTime + 0.02;
  [
    [659.25, 0],
    [523.25, 0.45],
  ].forEach(([freq, delay]) => {
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq!;
    gain.gain.setValueAtTime(0.0001, t0 + delay!);
    gain.gain.exponentialRampToValueAtTime(0.35, t0 + delay! + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + delay! + 1.1);
    osc.connect(gain).connect(c.destination);
    osc.start(t0 + delay!);
    osc.stop(t0 + delay! + 1.2);
  });
  return true;
}

/** Chromium loads its voice list lazily: ask early, so the first call already finds a voice. */
export function warmVoices(): void {
  if (typeof speechSynthesis === 'undefined') return;
  speechSynthesis.getVoices();
  speechSynthesis.addEventListener?.('voiceschanged', () => speechSynthesis.getVoices());
}

function voiceFor(lang: string): SpeechSynthesisVoice | undefined {
  if (typeof speechSynthesis === 'undefined') return undefined;
  const base = lang.split('-')[0]!.toLowerCase();
  const voices = speechSynthesis.getVoices();
  return voices.find((v) => v.lang.toLowerCase() === lang.toLowerCase()) ?? voices.find((v) => v.lang.toLowerCase().split(/[-_]/)[0] === base);
}

/** Speaks each (text, lang) pair in turn; returns the languages that had a voice. */
export function speak(parts: Array<{ text: string; lang: string }>): string[] {
  if (typeof speechSynthesis === 'undefined') return [];
  const spoken: string[] = [];
  for (const p of parts) {
    const voice = voiceFor(p.lang);
    if (!voice) continue;
    const u = new SpeechSynthesisUtterance(p.text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    speechSynthesis.speak(u);
    spoken.push(p.lang);
  }
  return spoken;
}
