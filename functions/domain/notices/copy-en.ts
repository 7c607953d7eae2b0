import type { RemedyChoice } from '../case.js';
import type { Copy } from './copy.js';
import type { NoticeBase, ProactiveFinding } from './types.js';

const request: Copy['request'] = {
  return: 'return request',
  exchange: 'exchange request',
  repair: 'repair request',
  damaged: 'damaged-item claim',
  lost: 'lost-parcel claim',
  delayed: 'late-delivery claim',
  quality: 'quality claim',
  missing_part: 'missing-part claim',
};

/** A proactive case is not the customer's claim: it is named for what we noticed. */
const noticed: Record<ProactiveFinding, string> = {
  late_delivery: 'late-delivery case',
  carrier_lost: 'missing-parcel case',
  no_scan: 'missing-parcel case',
};
const req = (d: NoticeBase) => (d.proactive ? noticed[d.proactive] : request[d.caseType]);
const sms = (d: NoticeBase, body: string) => `Case ${d.caseId}: ${body}`;

const choiceLabel = (choice: RemedyChoice, lost: boolean): string =>
  ({
    return: 'Return it for a refund',
    exchange: 'Exchange it for a new one',
    refund: lost ? 'Get a refund' : 'Refund without returning it',
    reship: 'Ship it again',
  })[choice];

/** The label above an operator's own words, quoted as theirs. */
const NOTE_BY = 'Our team’s note:';
const APPEAL = 'If you think we got this wrong, you can appeal in the app, and a member of our after-sales team will look at your case again personally.';

/** What we noticed, and what we are doing about it, for a case the pipeline opened itself. */
const PROACTIVE_FOUND: Record<ProactiveFinding, { title: string; text: string; doing: string; sms: string }> = {
  late_delivery: {
    title: 'Your parcel arrived later than we promised',
    text: 'Our tracking shows that your parcel was delivered later than the date we promised. We’re sorry about that.',
    doing: 'We’ve opened a case for it and are working out the compensation our policy gives for a late delivery.',
    sms: "your parcel came late; we're arranging compensation.",
  },
  carrier_lost: {
    title: 'We think your parcel may be lost',
    text: 'The carrier has told us that your parcel may have been lost on its way to you. We’re sorry about that.',
    doing: 'We’ve opened a case for it and are checking with the carrier; if it is lost, we’ll offer to send your order again or refund it.',
    sms: "the carrier says your parcel may be lost; we're on it.",
  },
  no_scan: {
    title: 'Your parcel seems to be stuck',
    text: 'The carrier’s tracking has shown no movement of your parcel for several days, so we’re concerned it may be lost. We’re sorry about that.',
    doing: 'We’ve opened a case for it and are checking with the carrier; if it is lost, we’ll offer to send your order again or refund it.',
    sms: "your parcel hasn't moved for days; we're on it.",
  },
};

const smsDefault: Record<RemedyChoice, string> = { return: 'start a return', exchange: 'send a replacement', refund: 'refund you', reship: 'reship it' };
const defaultAction: Record<RemedyChoice, string> = {
  return: 'arrange a return for a refund',
  exchange: 'send you a replacement',
  refund: 'refund you',
  reship: 'ship your order again',
};

export const en: Copy = {
  locale: 'en',
  request,
  approval: {
    no_reason_return: 'You are within our 7-day no-reason return period.',
    quality_refund: 'A quality problem reported within 7 days of delivery is refunded.',
    quality_exchange: 'A quality problem reported within 15 days of delivery is exchanged.',
    warranty_repair: 'The item is under warranty, so we repair it free of charge.',
    exchange_window: 'You are within our exchange period.',
    damage_reported: 'You reported the damage in time and your photos show it.',
    missing_part: 'You reported the missing part in time.',
    loss_confirmed: 'The carrier has confirmed that the parcel was lost.',
    loss_presumed: 'The carrier’s tracking has shown no movement for several days, so we treat the parcel as lost.',
    delay_confirmed: 'The carrier’s tracking shows the parcel arrived later than we promised.',
    team_review: 'A member of our after-sales team has reviewed your case.',
  },
  rejection: {
    window_expired: {
      text: 'the request came after the period our policy allows for it',
      sms: 'the request came after the period our policy allows for it',
    },
    category_excluded: {
      text: 'this kind of item cannot be returned without a reason (custom-made, perishable, opened digital goods or periodicals)',
      sms: 'this kind of item cannot be returned without a reason',
    },
    not_delivered: { text: 'the order has not been delivered yet', sms: 'the order has not been delivered yet' },
    no_delivery_record: { text: 'we could not find any record of the order being delivered', sms: 'we found no record of the delivery' },
    warranty_expired: { text: 'the warranty period has ended', sms: 'the warranty period has ended' },
    carrier_delivered: { text: 'the carrier shows the parcel as delivered', sms: 'the carrier shows the parcel as delivered' },
    loss_not_confirmed: {
      text: 'the carrier has not confirmed the parcel as lost; it may still arrive',
      sms: 'the carrier has not confirmed the parcel as lost',
    },
    delivered_on_time: { text: 'the parcel was delivered by the promised date', sms: 'the parcel was delivered by the promised date' },
    not_late: { text: 'the parcel is not past its promised delivery date', sms: 'the parcel is not past its promised delivery date' },
    evidence_missing: { text: 'we did not receive the photos we needed', sms: 'we did not receive the photos we needed' },
    high_value: {
      text: 'after a specialist review of this higher-value claim, we were unable to approve it',
      sms: 'our specialist review could not approve it',
    },
    manual_rejected: {
      text: 'after a careful review, our after-sales team found that it does not meet our after-sales policy',
      sms: 'it does not meet our after-sales policy',
    },
  },
  delay: {
    force_majeure: { text: 'of events beyond anyone’s control, such as a natural disaster or an epidemic', sms: 'events beyond our control' },
    factory_service: { text: 'your item has to go to the manufacturer for repair or testing', sms: 'manufacturer repair' },
    awaiting_parts: { text: 'we are waiting for the parts needed for the repair', sms: 'waiting for parts' },
    carrier_disruption: { text: 'of disruption at the courier', sms: 'courier disruption' },
    beyond_our_control: { text: 'of circumstances beyond our control', sms: 'unforeseen circumstances' },
  },
  evidence: {
    damage_photo: { text: 'close-up photos of the damage', sms: 'photos of the damage' },
    packaging_photo: { text: 'a photo of the outer packaging', sms: 'a packaging photo' },
    label_photo: { text: 'a photo of the shipping label', sms: 'a photo of the label' },
    product_photo: { text: 'a photo of the whole item', sms: 'a photo of the item' },
    serial_photo: { text: 'a photo of the serial number', sms: 'a photo of the serial no.' },
    receipt: { text: 'proof of purchase (a photo of the invoice or a screenshot of the order)', sms: 'proof of purchase' },
  },
  context: { orderId: 'Order number', itemSummary: 'Item' },
  templates: {
    received: (d, f) => {
      const reply = d.replyBy ? `You’ll hear from us by the end of ${f.dates.day(d.replyBy)} at the latest.` : 'We’ll let you know as soon as it has been reviewed.';
      if (d.proactive) {
        const found = PROACTIVE_FOUND[d.proactive];
        return {
          title: found.title,
          blocks: [{ p: found.text }, { p: `${found.doing} You don’t need to do anything or contact us.` }, { p: reply }],
          sms: sms(d, `${found.sms}${d.replyBy ? ` Update by ${f.dates.shortDay(d.replyBy)}.` : ''}`),
        };
      }
      return {
        title: `We’ve received your ${req(d)}`,
        blocks: [{ p: `Thanks for getting in touch. We’ve received your ${req(d)} and our after-sales team is reviewing it now.` }, { p: reply }],
        sms: sms(d, d.replyBy ? `we've received your request and will reply by ${f.dates.shortDay(d.replyBy)}.` : `we've received your request and are reviewing it.`),
      };
    },

    dispute_received: (d) =>
      d.about === 'message'
        ? {
            title: `We’ve added your message to your ${req(d)}`,
            blocks: [
              { p: `We’ve received your message about your ${req(d)} and added it to your case.` },
              { p: 'Our after-sales team will take it into account and get back to you if anything changes. You don’t need to send anything else unless we ask for it.' },
            ],
            sms: sms(d, 'we got your message and added it to your case. Our team will take it into account.'),
          }
        : {
            title: `We’re looking at your ${req(d)} again`,
            blocks: [
              { p: `We’ve received your appeal against our decision on your ${req(d)}.` },
              { p: 'A member of our after-sales team will review your case personally and let you know the outcome. You don’t need to send anything else unless we ask for it.' },
            ],
            sms: sms(d, 'we got your appeal. A team member will review your case and get back to you.'),
          },

    evidence_needed: (d, f) =>
      d.operatorNote
        ? {
            title: 'We need a little more from you to continue',
            blocks: [
              { p: `To continue with your ${req(d)}, a member of our after-sales team asks you for the following.` },
              { quote: d.operatorNote, by: NOTE_BY },
              {
                p: `Please add it by ${f.dates.dateTime(d.respondBy)}. As soon as it’s in, we’ll carry on with your request. If we don’t receive it by then, we’ll have to close it.`,
              },
              { actions: [{ label: 'Add photos or documents', url: d.uploadUrl }] },
            ],
            sms: '',
            smsQuote: {
              note: d.operatorNote,
              sms: (q) =>
                sms(
                  d,
                  q === undefined
                    ? `by ${f.dates.shortDateTime(d.respondBy)} please send what our team asks; details:`
                    : `by ${f.dates.shortDateTime(d.respondBy)} we need: "${q}"`,
                ),
            },
          }
        : {
            title: 'We need a few photos to continue',
            blocks: [
              { p: `To continue with your ${req(d)}, please send us:` },
              { list: d.requested.map((kind) => en.evidence[kind].text) },
              {
                p: `Please add them by ${f.dates.dateTime(d.respondBy)}. As soon as they’re in, we’ll carry on with your request. If we don’t receive them by then, we’ll have to close it.`,
              },
              { actions: [{ label: 'Add photos', url: d.uploadUrl }] },
              { note: 'Tip: take the photos in good light, and show the whole item as well as close-ups.' },
            ],
            sms: sms(d, `please send ${d.requested.length === 1 ? en.evidence[d.requested[0]!].sms : 'the photos we need'} by ${f.dates.shortDateTime(d.respondBy)} to continue.`),
          },

    approved: (d, f) => {
      const next = (
        {
          return_instructions: ['Next, we’ll send you instructions for returning the item.', 'Return instructions follow.'],
          choose_remedy: ['Next, we’ll ask you how you’d like us to put it right.', 'We will ask how to resolve it.'],
          refund: ['We’re now processing your refund and will let you know as soon as it has been issued.', 'Refund in progress.'],
          replacement: ['We’re now preparing the shipment and will send you the tracking number once it’s on its way.', 'Shipment being prepared.'],
          carrier_check: ['We’re now checking the parcel’s status with the carrier and will update you as soon as we hear back.', 'Checking with the carrier.'],
          compensation: ['We’re now arranging your compensation and will let you know once it’s in your account.', 'Compensation on its way.'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      const accepted = d.next === 'carrier_check';
      if (d.proactive) {
        // Nothing was asked, so nothing is "approved": we say what we confirmed and what we do about it.
        return {
          title: 'We’re putting things right with your parcel',
          blocks: [
            { p: `We’ve confirmed the problem with your parcel.${d.basis ? ` ${en.approval[d.basis]}` : ''}` },
            { p: d.nextBy ? `${next[0]} Expected by ${f.dates.day(d.nextBy)}.` : next[0] },
          ],
          sms: sms(d, `we've confirmed the problem with your parcel. ${next[1]}`),
        };
      }
      return {
        title: accepted ? `We’ve accepted your ${req(d)}` : `Your ${req(d)} is approved`,
        blocks: [
          { p: accepted ? `We’ve accepted your ${req(d)}.` : `Good news: your ${req(d)} is approved.${d.basis ? ` ${en.approval[d.basis]}` : ''}` },
          { p: d.nextBy ? `${next[0]} Expected by ${f.dates.day(d.nextBy)}.` : next[0] },
        ],
        sms: sms(d, `${accepted ? 'accepted' : 'approved'}. ${next[1]}`),
      };
    },

    rejected: (d) =>
      d.operatorNote
        ? {
            title: `We couldn’t approve your ${req(d)}`,
            blocks: [{ p: `We’re sorry, but after reviewing your ${req(d)}, our after-sales team couldn’t approve it.` }, { quote: d.operatorNote, by: NOTE_BY }, { p: APPEAL }],
            sms: '',
            smsQuote: {
              note: d.operatorNote,
              sms: (q) => (q === undefined ? `Case ${d.caseId} not approved. Read our team's note:` : `Case ${d.caseId} not approved. Our team's note: "${q}"`),
            },
          }
        : {
            title: `We couldn’t approve your ${req(d)}`,
            blocks: [{ p: `We’re sorry, but we couldn’t approve your ${req(d)}, because ${en.rejection[d.reasonCode].text}.` }, { p: APPEAL }],
            sms: `Case ${d.caseId} not approved: ${en.rejection[d.reasonCode].sms}.`,
          },

    remedy_choice_needed: (d, f) => {
      const lost = d.caseType === 'lost';
      const refund = d.refund ? ` (${f.money(d.refund)})` : '';
      return {
        title: 'How would you like us to put this right?',
        blocks: [
          {
            p: `${d.proactive ? 'We’ve confirmed the problem with your parcel and will put it right.' : `Your ${req(d)} is approved.`} Please choose one of the following by ${f.dates.dateTime(d.decideBy)}:`,
          },
          { actions: d.options.map((o) => ({ label: choiceLabel(o.choice, lost) + (o.choice === 'return' || o.choice === 'refund' ? refund : ''), url: o.url })) },
          { p: `If we haven’t heard from you by then, we’ll ${defaultAction[d.defaultChoice]}.` },
        ],
        sms: sms(d, `choose how we fix it by ${f.dates.shortDateTime(d.decideBy)}, or we'll ${smsDefault[d.defaultChoice]}.`),
      };
    },

    ship_back: (d, f) => {
      const m = d.method;
      const how =
        m.kind === 'prepaid_label'
          ? `We’ve prepared a prepaid ${m.carrier} label, so the return costs you nothing. Print it, stick it on the parcel and hand it to ${m.carrier} by ${f.dates.dateTime(d.shipBy)}.`
          : m.kind === 'pickup'
            ? `A ${m.carrier} courier will collect the parcel from you ${f.dates.window(m.pickupFrom, m.pickupUntil)}. Please have it packed and ready; the courier brings the shipping label.`
            : `Please send the parcel by ${f.dates.dateTime(d.shipBy)} with a courier of your choice to the address below, then add the tracking number in the app so we can follow it. ${m.postage === 'customer_pays' ? 'The return postage is at your own cost.' : 'Please pay the postage and keep the receipt: we’ll reimburse it.'}`;
      const when: Array<[string, string]> = m.kind === 'pickup' ? [['Pickup', f.dates.window(m.pickupFrom, m.pickupUntil)]] : [['Send by', f.dates.dateTime(d.shipBy)]];
      return {
        title: 'Please send the item back to us',
        blocks: [
          { p: how },
          ...(m.kind === 'prepaid_label' ? [{ actions: [{ label: 'Get your shipping label', url: m.labelUrl }] }] : []),
          {
            details: [
              ['Send to', d.serviceCenter.name],
              ['Address', d.serviceCenter.address],
              ['Phone', d.serviceCenter.phone],
              ...(m.kind === 'self_ship' ? [] : ([['Courier', m.carrier]] as Array<[string, string]>)),
              ...when,
            ],
          },
          {
            p: `Pack the item with all its accessories, manuals and free gifts, in its original packaging if you still have it, and put in a note with your case reference ${d.caseId}.`,
          },
          { p: `We’ll let you know as soon as it reaches us. If it hasn’t been sent by ${f.dates.day(d.shipBy)}, we’ll have to close the request.` },
        ],
        sms: sms(
          d,
          m.kind === 'prepaid_label'
            ? `return the item by ${f.dates.shortDay(d.shipBy)} with a prepaid ${m.carrier} label.`
            : m.kind === 'pickup'
              ? `${m.carrier} will collect the item ${f.dates.shortWindow(m.pickupFrom, m.pickupUntil)}.`
              : `ship the item back by ${f.dates.shortDay(d.shipBy)}; enter the tracking no. in the app.`,
        ),
        smsLink: m.kind === 'pickup' ? undefined : m.kind === 'prepaid_label' ? 'Details:' : 'Address:',
      };
    },

    item_received: (d, f) => {
      const by = f.dates.day(d.dueBy);
      const next = (
        {
          refund: [`We’ll check it and issue your refund by ${by}.`, 'Refund by'],
          replacement: [`We’ll check it and ship your replacement by ${by}.`, 'Replacement ships by'],
          repair: [`Our technicians will repair it and ship it back to you by ${by}.`, 'Repaired and shipped back by'],
          inspection: [`We’ll inspect it and let you know the result by ${by}.`, 'Result by'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      return {
        title: 'We’ve received your item',
        blocks: [{ p: `Your item reached our service center on ${f.dates.day(d.receivedAt)}.` }, { p: next[0] }],
        sms: sms(d, `your item reached us on ${f.dates.shortDay(d.receivedAt)}. ${next[1]} ${f.dates.shortDay(d.dueBy)}.`),
      };
    },

    refund_issued: (d, f) => {
      const money = f.money(d);
      const original = d.refundTo === 'original_payment';
      return {
        title: original ? `Your refund of ${money} is on its way` : `${money} has been added to your store balance`,
        blocks: original
          ? [
              { p: `We’ve issued a refund of ${money} to your original payment method.` },
              {
                p: d.expectedBy
                  ? `It should reach your account by ${f.dates.day(d.expectedBy)}.`
                  : 'It can take a few working days to show up, depending on your bank or payment provider.',
              },
            ]
          : [{ p: `We’ve added a refund of ${money} to your store balance. You can use it right away.` }],
        sms: sms(d, `we've refunded ${money} to your ${original ? 'original payment method' : 'store balance'}.`),
      };
    },

    compensation_issued: (d, f) => {
      const money = f.money(d);
      return {
        title: `We’ve added ${money} to your account`,
        blocks: [
          {
            p:
              d.reason === 'delay'
                ? `We’re sorry your order arrived later than we promised. To make up for it, we’ve added a ${money} credit to your account.`
                : `We’re sorry for the trouble. As a goodwill gesture, we’ve added a ${money} credit to your account.`,
          },
          ...(d.validUntil ? [{ p: `You can use it until ${f.dates.day(d.validUntil)}.` }] : []),
        ],
        sms: sms(d, `${d.reason === 'delay' ? 'sorry for the delay - ' : ''}we've added a ${money} credit to your account.`),
      };
    },

    replacement_shipped: (d, f) => {
      const what: [string, string] =
        d.caseType === 'lost'
          ? ['We’ve sent your order again', 'your order has been sent again']
          : d.caseType === 'missing_part'
            ? ['The missing part is on its way', 'the missing part is on its way']
            : ['Your replacement is on its way', 'your replacement is on its way'];
      return {
        title: what[0],
        blocks: [
          { p: `${what[0]}: we’ve shipped it with ${d.carrier}.${d.expectedBy ? ` It should arrive by ${f.dates.day(d.expectedBy)}.` : ''}` },
          {
            details: [
              ['Courier', d.carrier],
              ['Tracking number', d.trackingNumber],
              ...(d.expectedBy ? ([['Expected by', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : []),
            ],
          },
          ...(d.trackingUrl ? [{ actions: [{ label: 'Track your parcel', url: d.trackingUrl }] }] : []),
          ...(d.returnOriginalBy
            ? [
                {
                  p: `We sent this before receiving your original item. Please send the original back by ${f.dates.day(d.returnOriginalBy)}; if it doesn’t reach us, we’ll have to charge you for the replacement.`,
                },
              ]
            : []),
        ],
        sms: sms(d, `${what[1]}: ${d.carrier} ${d.trackingNumber}.`),
      };
    },

    repair_done: (d, f) => ({
      title: 'Your item is repaired and on its way back',
      blocks: [
        {
          p: `Good news: the repair is done, and we’ve shipped your item back to you with ${d.carrier}.${d.expectedBy ? ` It should arrive by ${f.dates.day(d.expectedBy)}.` : ''}`,
        },
        {
          details: [
            ['Courier', d.carrier],
            ['Tracking number', d.trackingNumber],
            ...(d.expectedBy ? ([['Expected by', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : []),
          ],
        },
        ...(d.trackingUrl ? [{ actions: [{ label: 'Track your parcel', url: d.trackingUrl }] }] : []),
      ],
      sms: sms(d, `repaired and on its way back: ${d.carrier} ${d.trackingNumber}.`),
    }),

    delay_notice: (d, f) => ({
      title: `Your ${req(d)} is taking longer than planned`,
      blocks: [
        { p: `We’re sorry: we can’t finish your ${req(d)} in the time we promised, because ${en.delay[d.reason].text}.` },
        {
          p: d.newExpectedBy
            ? `We now expect to finish by ${f.dates.day(d.newExpectedBy)}. It’s your choice whether to wait or to cancel the request:`
            : 'We’ll tell you the new date as soon as we know it. It’s your choice whether to wait or to cancel the request:',
        },
        {
          actions: [
            { label: 'Keep waiting', url: d.keepWaitingUrl },
            { label: 'Cancel the request', url: d.cancelUrl },
          ],
        },
        { p: 'If you’re happy to wait, you don’t need to do anything: we’ll carry on and keep you posted.' },
        { note: 'If the delay causes you a loss, please tell us in the app. We’ll take responsibility for it in line with our after-sales policy and the law.' },
      ],
      sms: `Case ${d.caseId} is delayed (${en.delay[d.reason].sms}).${d.newExpectedBy ? ` New date: ${f.dates.shortDay(d.newExpectedBy)}.` : ''}`,
      smsLink: 'Wait or cancel:',
    }),

    cancelled: (d) => ({
      title: `Your ${req(d)} has been cancelled`,
      blocks: [
        { p: `As you asked, we’ve cancelled your ${req(d)}. Nothing more will happen with it.` },
        { p: 'If you still need help with this order, you can start a new request in the app at any time.' },
      ],
      sms: `Case ${d.caseId} has been cancelled as you asked.`,
    }),

    charged_back: (d, f) => {
      const money = f.money(d);
      return {
        title: `We’ve charged ${money} for your replacement`,
        blocks: [
          { p: `We sent your replacement before your original item came back, on the understanding that you would return the original by ${f.dates.day(d.returnWasDueBy)}.` },
          { p: `As we haven’t received it, we’ve charged ${money} for the replacement.` },
          { p: 'If you’ve already sent it, please add the tracking number in the app and we’ll look into it straight away.' },
        ],
        sms: sms(d, `replacement charged ${money}: original not returned by ${f.dates.shortDay(d.returnWasDueBy)}.`),
      };
    },

    case_closed: (d) => {
      const r = req(d);
      const why = (
        {
          completed: [`Your ${r} is complete, and we’ve now closed it. Thank you for your patience.`, 'is complete and now closed. Thank you!'],
          rejected: [`We’ve closed your ${r}, following the decision we sent you earlier.`, 'is now closed.'],
          cancelled: [`We’ve closed your ${r}, which you cancelled.`, 'is now closed.'],
          evidence_expired: [`We’ve closed your ${r} because we didn’t receive the photos we needed in time.`, 'is closed: the photos did not arrive in time.'],
          return_expired: [`We’ve closed your ${r} because the item wasn’t sent back in time.`, 'is closed: the item was not sent back in time.'],
          none: [`We’ve now closed your ${r}.`, 'is now closed.'],
        } satisfies Record<string, [string, string]>
      )[d.closeReason ?? 'none'];
      return {
        title: d.closeReason === 'completed' ? `Your ${r} is complete` : `Your ${r} is closed`,
        blocks: [{ p: why[0] }, { p: 'If anything still isn’t right, you can contact us or start a new request in the app.' }],
        sms: `Case ${d.caseId} ${why[1]}`,
      };
    },

    survey_invitation: (d, f) => ({
      title: 'How did we do?',
      blocks: [
        { p: `Your ${req(d)} is complete. Would you take a minute to tell us how it went: how quickly we responded, how well we solved the problem, and how we treated you?` },
        { actions: [{ label: 'Rate our service', url: d.surveyUrl }] },
        { p: `The survey takes about a minute and is open until ${f.dates.dateTime(d.expiresAt)}.` },
        { note: 'If something went wrong, please say so in the survey: a member of our team will get back to you.' },
      ],
      sms: `How did we do with case ${d.caseId}? Tell us in 1 minute (until ${f.dates.shortDay(d.expiresAt)}): ${d.surveyUrl}`,
      smsLink: false,
    }),

    survey_reminder: (d, f) => ({
      title: 'A quick reminder: how did we do?',
      blocks: [
        { p: `A few days ago we asked how we did with your ${req(d)}. If you have a minute, we’d love to hear from you. The survey closes on ${f.dates.dateTime(d.expiresAt)}.` },
        { actions: [{ label: 'Rate our service', url: d.surveyUrl }] },
        { note: 'If something went wrong, please say so in the survey: a member of our team will get back to you.' },
      ],
      sms: `Reminder: the 1-minute survey on case ${d.caseId} closes ${f.dates.shortDay(d.expiresAt)}: ${d.surveyUrl}`,
      smsLink: false,
    }),
  },
};
