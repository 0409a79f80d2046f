// French and English. The language follows the browser unless the candidate picks one.

const fr = {
  'app.title': 'Amphi — salle d’examen',
  'lang.switch': 'English',
  'signin.heading': 'Connexion à l’examen',
  'signin.exam': 'Identifiant de l’examen',
  'signin.candidate': 'Numéro de candidat',
  'signin.code': 'Code d’accès',
  'signin.code.help': 'Le code remis par votre université, par exemple K7QM-3WXA-PR9E.',
  'signin.submit': 'Se connecter',
  'signin.busy': 'Connexion…',
  'waiting.heading': 'Salle d’attente',
  'waiting.position': 'Votre place dans la file : {position}',
  'waiting.estimate': 'Attente estimée : environ {minutes} min {seconds} s',
  'waiting.auto': 'Cette page se met à jour toute seule ; ne la rechargez pas, votre place est gardée.',
  'exam.time': 'Temps restant',
  'exam.questions': 'Questions',
  'exam.question': 'Question {n} sur {total}',
  'exam.previous': 'Question précédente',
  'exam.next': 'Question suivante',
  'exam.flag': 'Marquer pour relecture',
  'exam.unflag': 'Retirer la marque',
  'exam.flagged': 'marquée',
  'exam.answered': 'répondue',
  'exam.unanswered': 'sans réponse',
  'exam.submit': 'Terminer et rendre la copie',
  'exam.offline': 'Connexion perdue. Vos réponses sont gardées sur cet appareil et seront envoyées dès le retour du réseau. Ne fermez pas cette page.',
  'exam.warning': 'Il reste {minutes} minutes.',
  'exam.timeUp': 'Le temps est écoulé : la saisie est arrêtée.',
  'exam.otherTab': 'Cet examen est déjà ouvert dans un autre onglet ou une autre fenêtre. Continuez-y, ou fermez-le puis rechargez cette page.',
  'save.saving': 'Enregistrement…',
  'save.saved': 'Enregistré',
  'save.waiting': 'En attente du réseau',
  'save.refused': 'Refusé : {detail}',
  'question.vignette': 'Situation clinique',
  'question.effect': 'l’hypothèse devient :',
  'question.text': 'Votre réponse (au plus {max} caractères)',
  'question.clear': 'Effacer ma réponse',
  'question.chooseOne': 'Choisissez une réponse.',
  'question.chooseMany': 'Cochez toutes les réponses justes.',
  'review.heading': 'Avant de rendre votre copie',
  'review.unanswered': 'Questions sans réponse : {list}',
  'review.flagged': 'Questions marquées pour relecture : {list}',
  'review.none': 'Toutes les questions ont une réponse.',
  'review.pending': 'Des réponses attendent encore le réseau : la copie sera rendue quand elles seront envoyées.',
  'review.confirm': 'Rendre ma copie définitivement',
  'review.cancel': 'Revenir aux questions',
  'submitted.heading': 'Copie rendue',
  'submitted.at': 'Rendue le {when}.',
  'submitted.deadline': 'Le temps était écoulé : la copie a été rendue automatiquement.',
  'submitted.receipt': 'Télécharger mon reçu signé',
  'submitted.receipt.help': 'Gardez ce reçu : il prouve ce que vous avez rendu.',
  'error.generic': 'Une erreur est survenue : {detail}',
} as const;

type Key = keyof typeof fr;

const en: Record<Key, string> = {
  'app.title': 'Amphi — exam room',
  'lang.switch': 'Français',
  'signin.heading': 'Sign in to the exam',
  'signin.exam': 'Exam id',
  'signin.candidate': 'Candidate number',
  'signin.code': 'Access code',
  'signin.code.help': 'The code your university gave you, for example K7QM-3WXA-PR9E.',
  'signin.submit': 'Sign in',
  'signin.busy': 'Signing in…',
  'waiting.heading': 'Waiting room',
  'waiting.position': 'Your place in line: {position}',
  'waiting.estimate': 'Estimated wait: about {minutes} min {seconds} s',
  'waiting.auto': 'This page updates by itself; do not reload it, your place is kept.',
  'exam.time': 'Time left',
  'exam.questions': 'Questions',
  'exam.question': 'Question {n} of {total}',
  'exam.previous': 'Previous question',
  'exam.next': 'Next question',
  'exam.flag': 'Flag for review',
  'exam.unflag': 'Remove flag',
  'exam.flagged': 'flagged',
  'exam.answered': 'answered',
  'exam.unanswered': 'unanswered',
  'exam.submit': 'Finish and submit',
  'exam.offline': 'Connection lost. Your answers are kept on this device and will be sent as soon as the network is back. Do not close this page.',
  'exam.warning': '{minutes} minutes left.',
  'exam.timeUp': 'Time is up: answering has stopped.',
  'exam.otherTab': 'This exam is already open in another tab or window. Continue there, or close it and reload this page.',
  'save.saving': 'Saving…',
  'save.saved': 'Saved',
  'save.waiting': 'Waiting for network',
  'save.refused': 'Refused: {detail}',
  'question.vignette': 'Clinical case',
  'question.effect': 'the hypothesis becomes:',
  'question.text': 'Your answer (at most {max} characters)',
  'question.clear': 'Clear my answer',
  'question.chooseOne': 'Choose one answer.',
  'question.chooseMany': 'Tick every right answer.',
  'review.heading': 'Before you submit',
  'review.unanswered': 'Unanswered questions: {list}',
  'review.flagged': 'Questions flagged for review: {list}',
  'review.none': 'Every question has an answer.',
  'review.pending': 'Some answers are still waiting for the network: the exam will be submitted once they are sent.',
  'review.confirm': 'Submit my exam for good',
  'review.cancel': 'Back to the questions',
  'submitted.heading': 'Exam submitted',
  'submitted.at': 'Submitted on {when}.',
  'submitted.deadline': 'Time was up: the exam was submitted automatically.',
  'submitted.receipt': 'Download my signed receipt',
  'submitted.receipt.help': 'Keep this receipt: it proves what you submitted.',
  'error.generic': 'Something went wrong: {detail}',
};

const dictionaries = { fr, en } as const;
export type Language = keyof typeof dictionaries;

function preferred(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('amphi-lang') : null;
  if (stored === 'fr' || stored === 'en') return stored;
  return typeof navigator !== 'undefined' && navigator.language?.startsWith('en') ? 'en' : 'fr';
}

export const locale = $state({ lang: preferred() });

export function setLanguage(lang: Language): void {
  locale.lang = lang;
  localStorage.setItem('amphi-lang', lang);
  document.documentElement.lang = lang;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text: string = dictionaries[locale.lang][key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}
