// Cues for a new alert: a short WebAudio beep (no sound file) and the open-alert count in the tab title.

let audio = null;

/** Browsers only allow sound after a user gesture: create the context on the first one. */
export function armSound() {
  const arm = () => {
    if (!audio) {
      const Ctor = window.AudioContext || window.webkitAudioContext;
      if (Ctor) {
        audio = new Ctor();
      }
    }
    if (audio && audio.state === 'suspended') {
      audio.resume().catch(() => {});
    }
  };
  document.addEventListener('pointerdown', arm, { capture: true });
  document.addEventListener('keydown', arm, { capture: true });
}

export function beep(urgent) {
  if (!audio || audio.state !== 'running') {
    return;
  }
  const tones = urgent ? [0, 0.25, 0.5] : [0, 0.25];
  for (const at of tones) {
    const start = audio.currentTime + at;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = urgent ? 988 : 880;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.2);
  }
}

export function setTitleCount(open) {
  document.title = open > 0 ? `(${open}) StabilityMonitor` : 'StabilityMonitor';
}
