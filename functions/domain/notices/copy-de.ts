import type { CaseType, RemedyChoice } from '../case.js';
import type { Copy } from './copy.js';
import type { NoticeBase, ProactiveFinding } from './types.js';

/**
 * German, as a German customer service team writes to a customer: "Sie", plain words, no legal jargon beyond what a
 * customer knows (Garantie, Gewährleistung). Windows are named without their number of days: the same words then
 * hold under every market's policy (7 days in CN, the 14-day withdrawal period in DE).
 */

const request: Copy['request'] = {
  return: 'Rücksendeanfrage',
  exchange: 'Umtauschanfrage',
  repair: 'Reparaturanfrage',
  damaged: 'Schadensmeldung',
  lost: 'Verlustmeldung',
  delayed: 'Reklamation wegen verspäteter Lieferung',
  quality: 'Mängelreklamation',
  missing_part: 'Meldung eines fehlenden Teils',
};

/** "Your request" in the cases a sentence needs: every request above is feminine, a proactive Vorgang masculine. */
interface Declined {
  nom: string;
  acc: string;
  dat: string;
  gen: string;
}
const feminine = (noun: string): Declined => ({ nom: `Ihre ${noun}`, acc: `Ihre ${noun}`, dat: `Ihrer ${noun}`, gen: `Ihrer ${noun}` });
const vorgang = (about: string): Declined => ({ nom: `Ihr Vorgang ${about}`, acc: `Ihren Vorgang ${about}`, dat: `Ihrem Vorgang ${about}`, gen: `Ihres Vorgangs ${about}` });

const requests = Object.fromEntries(Object.entries(request).map(([type, noun]) => [type, feminine(noun)])) as Record<CaseType, Declined>;
/** A proactive case is not the customer's claim: it is named for what we noticed. */
const noticed: Record<ProactiveFinding, Declined> = {
  late_delivery: vorgang('zur verspäteten Lieferung'),
  carrier_lost: vorgang('zum vermissten Paket'),
  no_scan: vorgang('zum vermissten Paket'),
};
const req = (d: NoticeBase): Declined => (d.proactive ? noticed[d.proactive] : requests[d.caseType]);
const sms = (d: NoticeBase, body: string) => `Vorgang ${d.caseId}: ${body}`;
/** A sentence's full stop, unless it already ends in one (a numeric date such as "24.11." does). */
const stop = (text: string) => (text.endsWith('.') ? text : `${text}.`);

const choiceLabel = (choice: RemedyChoice, lost: boolean): string =>
  ({
    return: 'Zurücksenden und Geld zurück',
    exchange: 'Umtausch gegen einen neuen Artikel',
    refund: lost ? 'Erstattung' : 'Erstattung ohne Rücksendung',
    reship: 'Erneute Lieferung',
  })[choice];

/** The label above an operator's own words, quoted as theirs. */
const NOTE_BY = 'Hinweis unseres Serviceteams:';
const APPEAL =
  'Wenn Sie der Meinung sind, dass wir falsch entschieden haben, können Sie in der App Widerspruch einlegen. Ein Mitglied unseres Serviceteams prüft Ihren Fall dann noch einmal persönlich.';

/** What we noticed, and what we are doing about it, for a case the pipeline opened itself. */
const PROACTIVE_FOUND: Record<ProactiveFinding, { title: string; text: string; doing: string; sms: string }> = {
  late_delivery: {
    title: 'Ihr Paket kam später als zugesagt',
    text: 'Laut Sendungsverfolgung wurde Ihr Paket später zugestellt, als wir es Ihnen zugesagt hatten. Das tut uns leid.',
    doing: 'Wir haben dazu einen Vorgang angelegt und ermitteln gerade die Entschädigung, die Ihnen nach unseren Richtlinien für eine verspätete Lieferung zusteht.',
    sms: 'Ihr Paket kam verspätet. Wir kümmern uns um eine Entschädigung.',
  },
  carrier_lost: {
    title: 'Ihr Paket ist möglicherweise verloren gegangen',
    text: 'Der Paketdienst hat uns mitgeteilt, dass Ihr Paket auf dem Weg zu Ihnen möglicherweise verloren gegangen ist. Das tut uns leid.',
    doing:
      'Wir haben dazu einen Vorgang angelegt und klären die Sache mit dem Paketdienst. Ist das Paket verloren, bieten wir Ihnen eine erneute Lieferung oder eine Erstattung an.',
    sms: 'Ihr Paket ist laut Paketdienst evtl. verloren. Wir kümmern uns darum.',
  },
  no_scan: {
    title: 'Ihr Paket scheint festzustecken',
    text: 'Die Sendungsverfolgung zeigt seit mehreren Tagen keine Bewegung Ihres Pakets. Wir befürchten, dass es verloren gegangen ist. Das tut uns leid.',
    doing:
      'Wir haben dazu einen Vorgang angelegt und klären die Sache mit dem Paketdienst. Ist das Paket verloren, bieten wir Ihnen eine erneute Lieferung oder eine Erstattung an.',
    sms: 'Ihr Paket bewegt sich seit Tagen nicht. Wir kümmern uns darum.',
  },
};

/** What happens without an answer: "Ohne Antwort …" in the SMS, "… werden wir …" in the email. */
const smsDefault: Record<RemedyChoice, string> = {
  return: 'starten wir eine Rücksendung',
  exchange: 'schicken wir Ersatz',
  refund: 'erstatten wir den Betrag',
  reship: 'liefern wir erneut',
};
const defaultAction: Record<RemedyChoice, string> = {
  return: 'die Rücksendung mit Erstattung einleiten',
  exchange: 'Ihnen einen neuen Artikel schicken',
  refund: 'Ihnen den Betrag erstatten',
  reship: 'Ihre Bestellung erneut liefern',
};

export const de: Copy = {
  locale: 'de',
  request,
  approval: {
    no_reason_return: 'Sie haben sich innerhalb der Frist für eine Rückgabe ohne Angabe von Gründen gemeldet.',
    quality_refund: 'Sie haben den Mangel rechtzeitig gemeldet, deshalb erstatten wir Ihnen den Kaufpreis.',
    quality_exchange: 'Sie haben den Mangel innerhalb der Umtauschfrist gemeldet, deshalb erhalten Sie einen einwandfreien Ersatz.',
    warranty_repair: 'Der Artikel ist noch in der Garantie- bzw. Gewährleistungsfrist, deshalb reparieren wir ihn kostenlos.',
    exchange_window: 'Sie haben sich innerhalb der Umtauschfrist gemeldet.',
    damage_reported: 'Sie haben den Schaden rechtzeitig gemeldet, und Ihre Fotos belegen ihn.',
    missing_part: 'Sie haben das fehlende Teil rechtzeitig gemeldet.',
    loss_confirmed: 'Der Paketdienst hat bestätigt, dass das Paket verloren gegangen ist.',
    loss_presumed: 'Die Sendungsverfolgung zeigt seit mehreren Tagen keine Bewegung mehr, deshalb behandeln wir das Paket als verloren.',
    delay_confirmed: 'Laut Sendungsverfolgung wurde das Paket später zugestellt als zugesagt.',
    team_review: 'Ein Mitglied unseres Serviceteams hat Ihren Fall geprüft.',
  },
  // `text` completes "…, da …" (verb last); `sms` is a sentence of its own.
  rejection: {
    window_expired: { text: 'die Anfrage erst nach Ablauf der dafür vorgesehenen Frist bei uns eingegangen ist', sms: 'Die Frist dafür war bereits abgelaufen' },
    category_excluded: {
      text: 'Artikel dieser Art von der Rückgabe ohne Angabe von Gründen ausgenommen sind (z. B. Sonderanfertigungen, verderbliche Waren, geöffnete Hygieneartikel, entsiegelte Datenträger oder Zeitschriften)',
      sms: 'Dieser Artikel ist von der Rückgabe ohne Grund ausgenommen',
    },
    not_delivered: { text: 'die Bestellung noch nicht zugestellt wurde', sms: 'Die Bestellung ist noch nicht zugestellt' },
    no_delivery_record: { text: 'wir keinen Nachweis über die Zustellung der Bestellung finden konnten', sms: 'Wir finden keinen Zustellnachweis' },
    warranty_expired: { text: 'die Garantie- bzw. Gewährleistungsfrist abgelaufen ist', sms: 'Die Garantiefrist ist abgelaufen' },
    carrier_delivered: { text: 'das Paket laut Paketdienst zugestellt wurde', sms: 'Laut Paketdienst wurde das Paket zugestellt' },
    loss_not_confirmed: {
      text: 'der Paketdienst den Verlust nicht bestätigt hat und das Paket noch ankommen kann',
      sms: 'Der Paketdienst hat keinen Verlust bestätigt',
    },
    delivered_on_time: { text: 'das Paket zum zugesagten Termin zugestellt wurde', sms: 'Das Paket kam zum zugesagten Termin' },
    not_late: { text: 'der zugesagte Liefertermin des Pakets noch nicht überschritten ist', sms: 'Der Liefertermin ist noch nicht überschritten' },
    evidence_missing: { text: 'wir die benötigten Fotos nicht erhalten haben', sms: 'Die benötigten Fotos fehlen' },
    high_value: {
      text: 'die eingehende Prüfung durch unsere Fachabteilung bei diesem höheren Betrag leider negativ ausgefallen ist',
      sms: 'Die Prüfung durch unsere Fachabteilung fiel negativ aus',
    },
    manual_rejected: {
      text: 'unser Serviceteam nach sorgfältiger Prüfung festgestellt hat, dass die Anfrage nicht unseren Servicerichtlinien entspricht',
      sms: 'Sie entspricht nicht unseren Servicerichtlinien',
    },
  },
  // `text` completes "…, weil …" (verb last); `sms` is a few words (in brackets in the SMS, on the status page).
  delay: {
    force_majeure: { text: 'Ereignisse eingetreten sind, auf die niemand Einfluss hat, etwa eine Naturkatastrophe oder eine Epidemie', sms: 'höhere Gewalt' },
    factory_service: { text: 'Ihr Artikel zur Reparatur oder Prüfung an den Hersteller gehen muss', sms: 'Reparatur beim Hersteller' },
    awaiting_parts: { text: 'wir noch auf die Ersatzteile für die Reparatur warten', sms: 'Warten auf Ersatzteile' },
    carrier_disruption: { text: 'es beim Paketdienst zu Störungen kommt', sms: 'Störung beim Paketdienst' },
    beyond_our_control: { text: 'Umstände eingetreten sind, auf die wir keinen Einfluss haben', sms: 'unvorhergesehene Umstände' },
  },
  evidence: {
    damage_photo: { text: 'Nahaufnahmen der beschädigten Stelle', sms: 'Fotos des Schadens' },
    packaging_photo: { text: 'ein Foto der äußeren Verpackung', sms: 'ein Foto der Verpackung' },
    label_photo: { text: 'ein Foto des Versandetiketts', sms: 'ein Foto des Etiketts' },
    product_photo: { text: 'ein Foto des ganzen Artikels', sms: 'ein Foto des Artikels' },
    serial_photo: { text: 'ein Foto der Seriennummer', sms: 'ein Foto der Seriennummer' },
    receipt: { text: 'einen Kaufbeleg (Foto der Rechnung oder Screenshot der Bestellung)', sms: 'einen Kaufbeleg' },
  },
  context: { orderId: 'Bestellnummer', itemSummary: 'Artikel' },
  templates: {
    received: (d, f) => {
      const reply = d.replyBy ? `Sie hören spätestens am ${f.dates.day(d.replyBy)} von uns.` : 'Sobald die Prüfung abgeschlossen ist, melden wir uns bei Ihnen.';
      if (d.proactive) {
        const found = PROACTIVE_FOUND[d.proactive];
        return {
          title: found.title,
          blocks: [{ p: found.text }, { p: `${found.doing} Sie müssen dafür nichts tun und sich auch nicht bei uns melden.` }, { p: reply }],
          sms: sms(d, `${found.sms}${d.replyBy ? ` Neuigkeiten bis ${stop(f.dates.shortDay(d.replyBy))}` : ''}`),
        };
      }
      return {
        title: `Wir haben ${req(d).acc} erhalten`,
        blocks: [{ p: `Vielen Dank für Ihre Nachricht. Wir haben ${req(d).acc} erhalten, und unser Serviceteam prüft sie bereits.` }, { p: reply }],
        sms: sms(d, d.replyBy ? `Ihre Anfrage ist eingegangen. Sie hören bis ${f.dates.shortDay(d.replyBy)} von uns.` : 'Ihre Anfrage ist eingegangen und wird geprüft.'),
      };
    },

    dispute_received: (d) =>
      d.about === 'message'
        ? {
            title: `Ihre Nachricht zu ${req(d).dat} ist eingegangen`,
            blocks: [
              { p: `Wir haben Ihre Nachricht zu ${req(d).dat} erhalten und dem Vorgang hinzugefügt.` },
              {
                p: 'Unser Serviceteam berücksichtigt sie bei der weiteren Bearbeitung und meldet sich, falls sich etwas ändert. Sie müssen nichts weiter einsenden, es sei denn, wir bitten Sie darum.',
              },
            ],
            sms: sms(d, 'Ihre Nachricht ist eingegangen und wurde dem Vorgang hinzugefügt. Unser Team berücksichtigt sie.'),
          }
        : {
            title: `Wir prüfen ${req(d).acc} erneut`,
            blocks: [
              { p: `Ihr Widerspruch gegen unsere Entscheidung zu ${req(d).dat} ist bei uns eingegangen.` },
              {
                p: 'Ein Mitglied unseres Serviceteams prüft Ihren Fall persönlich und teilt Ihnen das Ergebnis mit. Sie müssen nichts weiter einsenden, es sei denn, wir bitten Sie darum.',
              },
            ],
            sms: sms(d, 'Ihr Widerspruch ist eingegangen. Unser Team prüft Ihren Fall persönlich und meldet sich.'),
          },

    evidence_needed: (d, f) =>
      d.operatorNote
        ? {
            title: 'Wir benötigen noch etwas von Ihnen',
            blocks: [
              { p: `Damit wir ${req(d).acc} weiter bearbeiten können, bittet Sie unser Serviceteam um Folgendes:` },
              { quote: d.operatorNote, by: NOTE_BY },
              {
                p: `Bitte laden Sie die Unterlagen bis ${f.dates.dateTime(d.respondBy)} hoch. Sobald sie vorliegen, geht es sofort weiter. Erhalten wir bis dahin nichts, müssen wir den Vorgang leider schließen.`,
              },
              { actions: [{ label: 'Fotos oder Dokumente hochladen', url: d.uploadUrl }] },
            ],
            sms: '',
            smsQuote: {
              note: d.operatorNote,
              sms: (q) =>
                sms(
                  d,
                  q === undefined
                    ? `Bitte senden Sie uns bis ${f.dates.shortDateTime(d.respondBy)}, worum unser Team Sie bittet. Details:`
                    : `Bitte senden Sie uns bis ${f.dates.shortDateTime(d.respondBy)}: "${q}"`,
                ),
            },
          }
        : {
            title: 'Wir benötigen noch einige Fotos',
            blocks: [
              { p: `Damit wir ${req(d).acc} weiter bearbeiten können, senden Sie uns bitte:` },
              { list: d.requested.map((kind) => de.evidence[kind].text) },
              {
                p: `Bitte laden Sie alles bis ${f.dates.dateTime(d.respondBy)} hoch. Sobald es vorliegt, geht es sofort weiter. Erhalten wir bis dahin nichts, müssen wir den Vorgang leider schließen.`,
              },
              { actions: [{ label: 'Fotos hochladen', url: d.uploadUrl }] },
              { note: 'Tipp: Fotografieren Sie bei gutem Licht, und zeigen Sie den ganzen Artikel ebenso wie Nahaufnahmen.' },
            ],
            sms: sms(
              d,
              `Bitte senden Sie uns bis ${f.dates.shortDateTime(d.respondBy)} ${d.requested.length === 1 ? de.evidence[d.requested[0]!].sms : 'die benötigten Fotos'}, damit es weitergeht.`,
            ),
          },

    approved: (d, f) => {
      const next = (
        {
          return_instructions: ['Als Nächstes schicken wir Ihnen eine Anleitung für die Rücksendung des Artikels.', 'Die Rücksendeanleitung folgt.'],
          choose_remedy: ['Als Nächstes fragen wir Sie, welche Lösung Sie sich wünschen.', 'Sie wählen als Nächstes die Lösung.'],
          refund: ['Wir veranlassen jetzt Ihre Erstattung und geben Ihnen Bescheid, sobald sie ausgezahlt ist.', 'Die Erstattung wird veranlasst.'],
          replacement: ['Wir bereiten jetzt den Versand vor und schicken Ihnen die Sendungsnummer, sobald das Paket unterwegs ist.', 'Der Versand wird vorbereitet.'],
          carrier_check: ['Wir klären jetzt den Status des Pakets mit dem Paketdienst und melden uns, sobald wir eine Antwort haben.', 'Wir klären das mit dem Paketdienst.'],
          compensation: ['Wir veranlassen jetzt Ihre Entschädigung und geben Ihnen Bescheid, sobald sie gutgeschrieben ist.', 'Die Entschädigung ist unterwegs.'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      const accepted = d.next === 'carrier_check';
      const when = d.nextBy ? `${next[0]} Voraussichtlich bis ${f.dates.day(d.nextBy)}.` : next[0];
      if (d.proactive) {
        // Nothing was asked, so nothing is "approved": we say what we confirmed and what we do about it.
        return {
          title: 'Wir bringen das mit Ihrem Paket in Ordnung',
          blocks: [{ p: `Wir konnten das Problem mit Ihrem Paket bestätigen.${d.basis ? ` ${de.approval[d.basis]}` : ''}` }, { p: when }],
          sms: sms(d, `Das Problem mit Ihrem Paket ist bestätigt. ${next[1]}`),
        };
      }
      return {
        title: accepted ? `Wir haben ${req(d).acc} angenommen` : `${req(d).nom} ist genehmigt`,
        blocks: [
          { p: accepted ? `Wir haben ${req(d).acc} angenommen.` : `Gute Nachrichten: ${req(d).nom} ist genehmigt.${d.basis ? ` ${de.approval[d.basis]}` : ''}` },
          { p: when },
        ],
        sms: sms(d, `Ihre Anfrage ist ${accepted ? 'angenommen' : 'genehmigt'}. ${next[1]}`),
      };
    },

    rejected: (d) =>
      d.operatorNote
        ? {
            title: `Wir konnten ${req(d).acc} leider nicht genehmigen`,
            blocks: [
              { p: `Es tut uns leid, aber unser Serviceteam konnte ${req(d).acc} nach eingehender Prüfung nicht genehmigen.` },
              { quote: d.operatorNote, by: NOTE_BY },
              { p: APPEAL },
            ],
            sms: '',
            smsQuote: {
              note: d.operatorNote,
              sms: (q) =>
                q === undefined ? `Vorgang ${d.caseId} ist nicht genehmigt. Hinweis unseres Teams:` : `Vorgang ${d.caseId} ist nicht genehmigt. Hinweis unseres Teams: "${q}"`,
            },
          }
        : {
            title: `Wir konnten ${req(d).acc} leider nicht genehmigen`,
            blocks: [{ p: `Es tut uns leid, aber wir konnten ${req(d).acc} nicht genehmigen, da ${de.rejection[d.reasonCode].text}.` }, { p: APPEAL }],
            sms: `Vorgang ${d.caseId} ist nicht genehmigt. ${de.rejection[d.reasonCode].sms}.`,
          },

    remedy_choice_needed: (d, f) => {
      const lost = d.caseType === 'lost';
      const refund = d.refund ? ` (${f.money(d.refund)})` : '';
      return {
        title: 'Wie sollen wir das für Sie lösen?',
        blocks: [
          {
            p: `${d.proactive ? 'Wir konnten das Problem mit Ihrem Paket bestätigen und bringen es in Ordnung.' : `${req(d).nom} ist genehmigt.`} Bitte wählen Sie bis ${f.dates.dateTime(d.decideBy)} eine der folgenden Möglichkeiten:`,
          },
          { actions: d.options.map((o) => ({ label: choiceLabel(o.choice, lost) + (o.choice === 'return' || o.choice === 'refund' ? refund : ''), url: o.url })) },
          { p: `Wenn wir bis dahin nichts von Ihnen hören, werden wir ${defaultAction[d.defaultChoice]}.` },
        ],
        sms: sms(d, `Bitte wählen Sie bis ${f.dates.shortDateTime(d.decideBy)} eine Lösung. Ohne Antwort ${smsDefault[d.defaultChoice]}.`),
      };
    },

    ship_back: (d, f) => {
      const m = d.method;
      const how =
        m.kind === 'prepaid_label'
          ? `Wir haben für Sie ein vorfrankiertes Versandetikett von ${m.carrier} erstellt, die Rücksendung kostet Sie also nichts. Drucken Sie es aus, kleben Sie es auf das Paket und geben Sie das Paket bis ${f.dates.dateTime(d.shipBy)} bei ${m.carrier} ab.`
          : m.kind === 'pickup'
            ? `Ein Kurier von ${m.carrier} holt das Paket in diesem Zeitraum bei Ihnen ab: ${f.dates.window(m.pickupFrom, m.pickupUntil)}. Bitte halten Sie es verpackt bereit; das Versandetikett bringt der Kurier mit.`
            : `Bitte senden Sie das Paket bis ${f.dates.dateTime(d.shipBy)} mit einem Versanddienst Ihrer Wahl an die unten stehende Adresse, und tragen Sie danach die Sendungsnummer in der App ein, damit wir die Sendung verfolgen können. ${m.postage === 'customer_pays' ? 'Die Kosten der Rücksendung tragen Sie selbst.' : 'Bitte legen Sie das Porto aus und heben Sie den Beleg auf – wir erstatten es Ihnen.'}`;
      const when: Array<[string, string]> = m.kind === 'pickup' ? [['Abholung', f.dates.window(m.pickupFrom, m.pickupUntil)]] : [['Versand bis', f.dates.dateTime(d.shipBy)]];
      return {
        title: 'Bitte senden Sie uns den Artikel zurück',
        blocks: [
          { p: how },
          ...(m.kind === 'prepaid_label' ? [{ actions: [{ label: 'Versandetikett abrufen', url: m.labelUrl }] }] : []),
          {
            details: [
              ['Empfänger', d.serviceCenter.name],
              ['Adresse', d.serviceCenter.address],
              ['Telefon', d.serviceCenter.phone],
              ...(m.kind === 'self_ship' ? [] : ([['Versanddienst', m.carrier]] as Array<[string, string]>)),
              ...when,
            ],
          },
          {
            p: `Bitte verpacken Sie den Artikel mit allem Zubehör, den Anleitungen und eventuellen Gratisbeigaben, wenn möglich in der Originalverpackung, und legen Sie einen Zettel mit Ihrer Vorgangsnummer ${d.caseId} bei.`,
          },
          { p: `Wir geben Ihnen Bescheid, sobald das Paket bei uns ankommt. Ist es bis ${f.dates.day(d.shipBy)} nicht verschickt, müssen wir den Vorgang leider schließen.` },
        ],
        sms: sms(
          d,
          m.kind === 'prepaid_label'
            ? `Bitte senden Sie den Artikel bis ${f.dates.shortDay(d.shipBy)} zurück, mit dem bezahlten Etikett von ${m.carrier}.`
            : m.kind === 'pickup'
              ? `${m.carrier} holt den Artikel bei Ihnen ab: ${f.dates.shortWindow(m.pickupFrom, m.pickupUntil)}.`
              : `Bitte senden Sie den Artikel bis ${f.dates.shortDay(d.shipBy)} zurück und tragen Sie die Sendungsnummer in der App ein.`,
        ),
        smsLink: m.kind === 'pickup' ? undefined : m.kind === 'prepaid_label' ? 'Details:' : 'Adresse:',
      };
    },

    item_received: (d, f) => {
      const by = f.dates.day(d.dueBy);
      const next = (
        {
          refund: [`Wir prüfen ihn und erstatten Ihnen den Betrag bis ${by}.`, 'Erstattung bis'],
          replacement: [`Wir prüfen ihn und verschicken Ihren neuen Artikel bis ${by}.`, 'Versand des neuen Artikels bis'],
          repair: [`Unsere Techniker reparieren ihn und schicken ihn Ihnen bis ${by} zurück.`, 'Repariert zurück bis'],
          inspection: [`Wir prüfen ihn und teilen Ihnen das Ergebnis bis ${by} mit.`, 'Ergebnis bis'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      return {
        title: 'Ihr Artikel ist bei uns angekommen',
        blocks: [{ p: `Ihr Artikel ist am ${f.dates.day(d.receivedAt)} in unserem Servicecenter eingetroffen.` }, { p: next[0] }],
        sms: sms(d, `Ihr Artikel ist am ${f.dates.shortDay(d.receivedAt)} bei uns eingetroffen. ${next[1]} ${stop(f.dates.shortDay(d.dueBy))}`),
      };
    },

    refund_issued: (d, f) => {
      const money = f.money(d);
      const original = d.refundTo === 'original_payment';
      return {
        title: original ? `Ihre Erstattung über ${money} ist unterwegs` : `${money} wurden Ihrem Kundenkonto gutgeschrieben`,
        blocks: original
          ? [
              { p: `Wir haben Ihnen ${money} auf Ihr ursprüngliches Zahlungsmittel erstattet.` },
              {
                p: d.expectedBy
                  ? `Der Betrag sollte bis ${f.dates.day(d.expectedBy)} auf Ihrem Konto sein.`
                  : 'Je nach Bank oder Zahlungsanbieter kann es einige Werktage dauern, bis der Betrag auf Ihrem Konto erscheint.',
              },
            ]
          : [{ p: `Wir haben Ihrem Kundenkonto ${money} gutgeschrieben. Sie können das Guthaben sofort nutzen.` }],
        sms: sms(d, original ? `Wir haben Ihnen ${money} auf Ihr ursprüngliches Zahlungsmittel erstattet.` : `Wir haben Ihrem Kundenkonto ${money} gutgeschrieben.`),
      };
    },

    compensation_issued: (d, f) => {
      const money = f.money(d);
      return {
        title: `Wir haben Ihnen ${money} gutgeschrieben`,
        blocks: [
          {
            p:
              d.reason === 'delay'
                ? `Es tut uns leid, dass Ihre Bestellung später als zugesagt angekommen ist. Als Entschädigung haben wir Ihrem Kundenkonto ${money} gutgeschrieben.`
                : `Bitte entschuldigen Sie die Unannehmlichkeiten. Als kleine Wiedergutmachung haben wir Ihrem Kundenkonto ${money} gutgeschrieben.`,
          },
          ...(d.validUntil ? [{ p: `Sie können das Guthaben bis ${f.dates.day(d.validUntil)} einlösen.` }] : []),
        ],
        sms: sms(d, `${d.reason === 'delay' ? 'Für die Verspätung' : 'Als Entschuldigung'} haben wir Ihrem Kundenkonto ${money} gutgeschrieben.`),
      };
    },

    replacement_shipped: (d, f) => {
      const what: [string, string] =
        d.caseType === 'lost'
          ? ['Wir haben Ihre Bestellung erneut verschickt', 'Ihre Bestellung ist erneut unterwegs']
          : d.caseType === 'missing_part'
            ? ['Das fehlende Teil ist unterwegs', 'Das fehlende Teil ist unterwegs']
            : ['Ihr neuer Artikel ist unterwegs', 'Ihr neuer Artikel ist unterwegs'];
      return {
        title: what[0],
        blocks: [
          { p: `${what[0]}: Das Paket ist mit ${d.carrier} auf dem Weg zu Ihnen.${d.expectedBy ? ` Es sollte bis ${f.dates.day(d.expectedBy)} ankommen.` : ''}` },
          {
            details: [
              ['Versanddienst', d.carrier],
              ['Sendungsnummer', d.trackingNumber],
              ...(d.expectedBy ? ([['Voraussichtliche Zustellung', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : []),
            ],
          },
          ...(d.trackingUrl ? [{ actions: [{ label: 'Sendung verfolgen', url: d.trackingUrl }] }] : []),
          ...(d.returnOriginalBy
            ? [
                {
                  p: `Wir haben den neuen Artikel verschickt, bevor Ihr ursprünglicher Artikel bei uns angekommen ist. Bitte senden Sie den ursprünglichen Artikel bis ${f.dates.day(d.returnOriginalBy)} zurück; kommt er nicht bei uns an, müssen wir Ihnen den neuen Artikel berechnen.`,
                },
              ]
            : []),
        ],
        sms: sms(d, `${what[1]}: ${d.carrier} ${d.trackingNumber}.`),
      };
    },

    repair_done: (d, f) => ({
      title: 'Ihr Artikel ist repariert und auf dem Rückweg',
      blocks: [
        {
          p: `Gute Nachrichten: Die Reparatur ist abgeschlossen, und wir haben Ihnen den Artikel mit ${d.carrier} zurückgeschickt.${d.expectedBy ? ` Er sollte bis ${f.dates.day(d.expectedBy)} bei Ihnen ankommen.` : ''}`,
        },
        {
          details: [
            ['Versanddienst', d.carrier],
            ['Sendungsnummer', d.trackingNumber],
            ...(d.expectedBy ? ([['Voraussichtliche Zustellung', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : []),
          ],
        },
        ...(d.trackingUrl ? [{ actions: [{ label: 'Sendung verfolgen', url: d.trackingUrl }] }] : []),
      ],
      sms: sms(d, `Repariert und auf dem Rückweg: ${d.carrier} ${d.trackingNumber}.`),
    }),

    delay_notice: (d, f) => ({
      title: `Die Bearbeitung ${req(d).gen} dauert länger als geplant`,
      blocks: [
        { p: `Es tut uns leid: Wir können ${req(d).acc} nicht in der zugesagten Zeit abschließen, weil ${de.delay[d.reason].text}.` },
        {
          p: d.newExpectedBy
            ? `Wir rechnen jetzt mit einem Abschluss bis ${f.dates.day(d.newExpectedBy)}. Sie entscheiden, ob Sie warten oder die Anfrage stornieren möchten:`
            : 'Den neuen Termin nennen wir Ihnen, sobald wir ihn kennen. Sie entscheiden, ob Sie warten oder die Anfrage stornieren möchten:',
        },
        {
          actions: [
            { label: 'Weiter warten', url: d.keepWaitingUrl },
            { label: 'Anfrage stornieren', url: d.cancelUrl },
          ],
        },
        { p: 'Wenn Sie warten möchten, müssen Sie nichts tun: Wir bearbeiten Ihren Fall weiter und halten Sie auf dem Laufenden.' },
        {
          note: 'Sollte Ihnen durch die Verzögerung ein Schaden entstehen, teilen Sie uns das bitte in der App mit. Wir kommen dafür im Rahmen unserer Servicerichtlinien und der gesetzlichen Bestimmungen auf.',
        },
      ],
      sms: `Vorgang ${d.caseId} verzögert sich (${de.delay[d.reason].sms}).${d.newExpectedBy ? ` Neuer Termin: ${stop(f.dates.shortDay(d.newExpectedBy))}` : ''}`,
      smsLink: 'Warten oder stornieren:',
    }),

    cancelled: (d) => ({
      title: `${req(d).nom} ist storniert`,
      blocks: [
        { p: `Wie gewünscht haben wir ${req(d).acc} storniert. Der Vorgang wird nicht weiter bearbeitet.` },
        { p: 'Falls Sie zu dieser Bestellung noch Hilfe brauchen, können Sie jederzeit in der App eine neue Anfrage stellen.' },
      ],
      sms: `Vorgang ${d.caseId} ist wie gewünscht storniert.`,
    }),

    charged_back: (d, f) => {
      const money = f.money(d);
      return {
        title: `Wir haben Ihnen ${money} für den neuen Artikel berechnet`,
        blocks: [
          {
            p: `Wir haben Ihnen den neuen Artikel geschickt, bevor Ihr ursprünglicher Artikel bei uns angekommen war – mit der Vereinbarung, dass Sie das Original bis ${f.dates.day(d.returnWasDueBy)} zurücksenden.`,
          },
          { p: `Da es bis heute nicht bei uns eingegangen ist, haben wir Ihnen ${money} für den neuen Artikel berechnet.` },
          { p: 'Falls Sie das Original bereits verschickt haben, tragen Sie bitte die Sendungsnummer in der App ein. Wir gehen der Sache dann sofort nach.' },
        ],
        sms: sms(d, `Wir haben ${money} für den neuen Artikel berechnet, da das Original nicht bis ${f.dates.shortDay(d.returnWasDueBy)} zurückkam.`),
      };
    },

    case_closed: (d) => {
      const r = req(d);
      const why = (
        {
          completed: [`${r.nom} ist erledigt, und wir haben den Vorgang abgeschlossen. Vielen Dank für Ihre Geduld.`, 'ist erledigt und abgeschlossen. Vielen Dank!'],
          rejected: [`Wir haben ${r.acc} abgeschlossen, entsprechend der Entscheidung, die wir Ihnen bereits mitgeteilt haben.`, 'ist jetzt abgeschlossen.'],
          cancelled: [`Da Sie ${r.acc} storniert haben, haben wir den Vorgang abgeschlossen.`, 'ist jetzt abgeschlossen.'],
          evidence_expired: [
            `Wir haben ${r.acc} abgeschlossen, da wir die benötigten Fotos nicht rechtzeitig erhalten haben.`,
            'ist abgeschlossen: Die Fotos kamen nicht rechtzeitig.',
          ],
          return_expired: [
            `Wir haben ${r.acc} abgeschlossen, da der Artikel nicht rechtzeitig zurückgeschickt wurde.`,
            'ist abgeschlossen: Der Artikel kam nicht rechtzeitig zurück.',
          ],
          none: [`Wir haben ${r.acc} jetzt abgeschlossen.`, 'ist jetzt abgeschlossen.'],
        } satisfies Record<string, [string, string]>
      )[d.closeReason ?? 'none'];
      return {
        title: d.closeReason === 'completed' ? `${r.nom} ist erledigt` : `${r.nom} ist abgeschlossen`,
        blocks: [{ p: why[0] }, { p: 'Falls noch etwas nicht stimmt, können Sie uns jederzeit kontaktieren oder in der App eine neue Anfrage stellen.' }],
        sms: `Vorgang ${d.caseId} ${why[1]}`,
      };
    },

    survey_invitation: (d, f) => ({
      title: 'Wie zufrieden waren Sie mit uns?',
      blocks: [
        {
          p: `${req(d).nom} ist erledigt. Würden Sie uns kurz sagen, wie es gelaufen ist: wie schnell wir reagiert haben, wie gut wir das Problem gelöst haben und wie wir mit Ihnen umgegangen sind?`,
        },
        { actions: [{ label: 'Service bewerten', url: d.surveyUrl }] },
        { p: `Die Umfrage dauert etwa eine Minute und ist bis ${f.dates.dateTime(d.expiresAt)} geöffnet.` },
        { note: 'Wenn etwas schiefgelaufen ist, schreiben Sie es uns bitte in der Umfrage – ein Mitglied unseres Teams meldet sich dann bei Ihnen.' },
      ],
      sms: `Wie zufrieden waren Sie mit Vorgang ${d.caseId}? Sagen Sie es uns in 1 Minute (bis ${f.dates.shortDay(d.expiresAt)}): ${d.surveyUrl}`,
      smsLink: false,
    }),

    survey_reminder: (d, f) => ({
      title: 'Kurze Erinnerung: Wie zufrieden waren Sie?',
      blocks: [
        {
          p: `Vor einigen Tagen haben wir Sie gefragt, wie zufrieden Sie mit der Bearbeitung ${req(d).gen} waren. Wenn Sie eine Minute Zeit haben, freuen wir uns über Ihre Rückmeldung. Die Umfrage endet am ${f.dates.dateTime(d.expiresAt)}.`,
        },
        { actions: [{ label: 'Service bewerten', url: d.surveyUrl }] },
        { note: 'Wenn etwas schiefgelaufen ist, schreiben Sie es uns bitte in der Umfrage – ein Mitglied unseres Teams meldet sich dann bei Ihnen.' },
      ],
      sms: `Erinnerung: Die 1-Minuten-Umfrage zu Vorgang ${d.caseId} endet am ${f.dates.shortDay(d.expiresAt)}: ${d.surveyUrl}`,
      smsLink: false,
    }),
  },
};
