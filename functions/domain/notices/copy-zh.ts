import type { RemedyChoice } from '../case.js';
import type { Copy } from './copy.js';
import type { NoticeBase, ProactiveFinding } from './types.js';

const request: Copy['request'] = {
  return: '退货申请',
  exchange: '换货申请',
  repair: '维修申请',
  damaged: '商品破损售后申请',
  lost: '包裹丢失售后申请',
  delayed: '延误补偿申请',
  quality: '质量问题售后申请',
  missing_part: '缺件售后申请',
};

/** A proactive case is not the customer's claim: it is named for what we noticed. */
const noticed: Record<ProactiveFinding, string> = { late_delivery: '包裹延误处理', carrier_lost: '包裹丢失处理', no_scan: '包裹丢失处理' };
const req = (d: NoticeBase) => (d.proactive ? noticed[d.proactive] : request[d.caseType]);

/** What we noticed, and what we are doing about it, for a case the pipeline opened itself. */
const PROACTIVE_FOUND: Record<ProactiveFinding, { title: string; text: string; doing: string; sms: string }> = {
  late_delivery: {
    title: '您的包裹晚于承诺时间送达',
    text: '物流信息显示，您的包裹晚于我们承诺的时间送达，非常抱歉。',
    doing: '我们已主动为您创建售后单，正在按延误补偿规则为您核算补偿。',
    sms: '：我们发现您的包裹延误送达，正在为您安排补偿。',
  },
  carrier_lost: {
    title: '您的包裹可能已丢失',
    text: '承运商通知我们，您的包裹可能在运输途中丢失，非常抱歉。',
    doing: '我们已主动为您创建售后单，正在向承运商核实；如确认丢失，我们将为您重新发货或退款。',
    sms: '：承运商反馈您的包裹可能丢失，我们正在核实并为您处理。',
  },
  no_scan: {
    title: '您的包裹多日未更新物流',
    text: '您的包裹物流信息已连续多日没有更新，我们担心包裹可能已丢失，非常抱歉。',
    doing: '我们已主动为您创建售后单，正在向承运商核实；如确认丢失，我们将为您重新发货或退款。',
    sms: '：您的包裹多日未更新物流，我们正在向承运商核实并为您处理。',
  },
};
const sms = (d: NoticeBase, body: string) => `售后单${d.caseId}${body}`;

const choiceLabel = (choice: RemedyChoice, lost: boolean): string =>
  ({ return: '退货退款', exchange: '换新', refund: lost ? '退款' : '无需退货，直接退款', reship: '重新发货' })[choice];
/** The label above an operator's own words, quoted as theirs. */
const NOTE_BY = '售后专员的说明：';
const APPEAL = '如对结果有异议，可在App内申请复核，我们会安排专人重新审核。';

const defaultAction: Record<RemedyChoice, string> = { return: '办理退货退款', exchange: '换新', refund: '直接退款', reship: '重新发货' };

export const zhCN: Copy = {
  locale: 'zh-CN',
  request,
  approval: {
    no_reason_return: '您的申请在七天无理由退货期内。',
    quality_refund: '签收后 7 天内反映的质量问题可申请退款。',
    quality_exchange: '签收后 15 天内反映的质量问题可申请换货。',
    warranty_repair: '商品在保修期内，我们将免费为您维修。',
    exchange_window: '您的申请在换货期限内。',
    damage_reported: '您在规定时间内反映了破损，照片也已确认。',
    missing_part: '您在规定时间内反映了缺件问题。',
    loss_confirmed: '承运商已确认包裹丢失。',
    loss_presumed: '包裹的物流信息已连续多日没有更新，我们按丢件为您处理。',
    delay_confirmed: '物流信息显示包裹晚于承诺时间送达。',
    team_review: '我们的售后专员已审核您的申请。',
  },
  rejection: {
    window_expired: { text: '申请已超过政策规定的期限', sms: '申请已超过政策规定的期限' },
    category_excluded: {
      text: '该类商品（定制、生鲜易腐、已拆封数字/音像制品或报刊）不适用七天无理由退货',
      sms: '该类商品不适用七天无理由退货',
    },
    not_delivered: { text: '订单尚未签收', sms: '订单尚未签收' },
    no_delivery_record: { text: '未查询到该订单的签收记录', sms: '未查询到签收记录' },
    warranty_expired: { text: '商品已过保修期', sms: '商品已过保修期' },
    carrier_delivered: { text: '物流信息显示包裹已签收', sms: '物流信息显示包裹已签收' },
    loss_not_confirmed: { text: '承运商尚未确认包裹丢失，包裹可能仍在途中', sms: '承运商尚未确认包裹丢失' },
    delivered_on_time: { text: '包裹已在承诺时间内送达', sms: '包裹已在承诺时间内送达' },
    not_late: { text: '包裹尚未超过承诺送达时间', sms: '包裹尚未超过承诺送达时间' },
    evidence_missing: { text: '我们未收到所需的照片', sms: '我们未收到所需的照片' },
    high_value: { text: '经售后专员人工复核，该笔赔付申请未能获批', sms: '经专员复核未能获批' },
    manual_rejected: { text: '经售后专员审核，该申请不符合平台售后政策', sms: '不符合平台售后政策' },
  },
  delay: {
    force_majeure: { text: '受不可抗力（如自然灾害、疫情等）影响', sms: '不可抗力影响' },
    factory_service: { text: '商品需送往原厂维修或检测', sms: '返厂维修检测' },
    awaiting_parts: { text: '维修所需配件尚未到货', sms: '配件尚未到货' },
    carrier_disruption: { text: '物流运输受阻', sms: '物流受阻' },
    beyond_our_control: { text: '出现了我们无法控制的特殊情况', sms: '特殊情况' },
  },
  evidence: {
    damage_photo: { text: '商品破损部位的特写照片', sms: '破损照片' },
    packaging_photo: { text: '外包装照片', sms: '外包装照片' },
    label_photo: { text: '快递面单照片', sms: '面单照片' },
    product_photo: { text: '商品整体照片', sms: '商品照片' },
    serial_photo: { text: '商品序列号（SN码）照片', sms: '序列号照片' },
    receipt: { text: '购买凭证（发票照片或订单截图）', sms: '购买凭证' },
  },
  context: { orderId: '订单号', itemSummary: '商品' },
  templates: {
    received: (d, f) => {
      const reply = d.replyBy ? `我们最迟将在${f.dates.day(d.replyBy)}当天给您答复，请留意短信或邮件通知。` : '审核完成后，我们会第一时间通知您。';
      if (d.proactive) {
        const found = PROACTIVE_FOUND[d.proactive];
        return {
          title: found.title,
          blocks: [{ p: found.text }, { p: `${found.doing}您无需任何操作，也无需联系我们。` }, { p: reply }],
          sms: sms(d, `${found.sms}${d.replyBy ? `${f.dates.shortDay(d.replyBy)}前告知进展。` : ''}`),
          smsLink: '进度：',
        };
      }
      return {
        title: `已收到您的${req(d)}`,
        blocks: [{ p: `感谢您的反馈！我们已收到您的${req(d)}，售后专员正在审核。` }, { p: reply }],
        sms: `已收到您的售后申请${d.caseId}，${d.replyBy ? `我们将于${f.dates.shortDay(d.replyBy)}前答复您。` : '正在审核中。'}`,
        smsLink: '进度：',
      };
    },

    dispute_received: (d) =>
      d.about === 'message'
        ? {
            title: `已将您的意见添加到${req(d)}`,
            blocks: [
              { p: `我们已收到您关于${req(d)}的意见，并已添加到您的售后单中。` },
              { p: '售后团队处理时会一并考虑，如有变化将通知您。除非我们另行联系，您无需补充任何材料。' },
            ],
            sms: sms(d, '：已收到您的意见并添加到售后单，售后团队处理时会一并考虑。'),
            smsLink: '进度：',
          }
        : {
            title: `已收到您对${req(d)}的复核申请`,
            blocks: [{ p: `我们已收到您对${req(d)}审核结果的复核申请。` }, { p: '售后专员将亲自重新审核您的售后单，并将结果通知您。除非我们另行联系，您无需补充任何材料。' }],
            sms: sms(d, '：已收到您的复核申请，售后专员将重新审核并尽快答复您。'),
            smsLink: '进度：',
          },

    evidence_needed: (d, f) =>
      d.operatorNote
        ? {
            title: '请补充材料，以便继续处理',
            blocks: [
              { p: `为继续处理您的${req(d)}，售后专员请您补充以下内容：` },
              { quote: d.operatorNote, by: NOTE_BY },
              { p: `请于${f.dates.dateTime(d.respondBy)}前上传。收到后我们会立即继续处理；逾期未上传，申请将自动关闭。` },
              { actions: [{ label: '立即上传', url: d.uploadUrl }] },
            ],
            sms: '',
            smsQuote: {
              note: d.operatorNote,
              sms: (q) =>
                sms(
                  d,
                  q === undefined
                    ? `需按售后专员的说明补充材料，请于${f.dates.shortDateTime(d.respondBy)}前上传。详情：`
                    : `需补充材料：“${q}”请于${f.dates.shortDateTime(d.respondBy)}前上传。`,
                ),
            },
          }
        : {
            title: '请补充照片，以便继续处理',
            blocks: [
              { p: `为尽快处理您的${req(d)}，请补充以下材料：` },
              { list: d.requested.map((kind) => zhCN.evidence[kind].text) },
              { p: `请于${f.dates.dateTime(d.respondBy)}前上传。收到后我们会立即继续处理；逾期未上传，申请将自动关闭。` },
              { actions: [{ label: '立即上传', url: d.uploadUrl }] },
              { note: '拍摄小贴士：请在光线充足的地方拍摄，既拍商品全貌，也拍问题细节。' },
            ],
            sms: sms(d, `需补充${d.requested.length === 1 ? zhCN.evidence[d.requested[0]!].sms : '照片'}，请于${f.dates.shortDateTime(d.respondBy)}前上传，逾期将关闭申请。`),
          },

    approved: (d, f) => {
      const next = (
        {
          return_instructions: ['接下来，我们会把商品寄回方式和地址发送给您。', '寄回方式稍后发送'],
          choose_remedy: ['接下来，我们会请您选择希望的处理方式。', '请留意处理方式选择通知'],
          refund: ['退款正在办理中，退款发出后我们会通知您。', '退款办理中'],
          replacement: ['我们正在为您安排发货，发出后会告知物流单号。', '正在安排发货'],
          carrier_check: ['我们正在向承运商核实包裹情况，核实后会第一时间通知您。', '正在向承运商核实'],
          compensation: ['补偿正在发放中，到账后我们会通知您。', '补偿发放中'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      const accepted = d.next === 'carrier_check';
      if (d.proactive) {
        // Nothing was asked, so nothing is "approved": we say what we confirmed and what we do about it.
        return {
          title: '我们正在为您处理包裹问题',
          blocks: [{ p: `我们已确认您的包裹存在问题。${d.basis ? zhCN.approval[d.basis] : ''}` }, { p: d.nextBy ? `${next[0]}预计${f.dates.day(d.nextBy)}前完成。` : next[0] }],
          sms: sms(d, `：已确认您的包裹问题，${next[1]}。`),
        };
      }
      return {
        title: accepted ? `已受理您的${req(d)}` : `您的${req(d)}已通过审核`,
        blocks: [
          { p: accepted ? `您的${req(d)}已受理。` : `好消息！您的${req(d)}已通过审核。${d.basis ? zhCN.approval[d.basis] : ''}` },
          { p: d.nextBy ? `${next[0]}预计${f.dates.day(d.nextBy)}前完成。` : next[0] },
        ],
        sms: sms(d, `${accepted ? '已受理' : '已通过审核'}，${next[1]}。`),
      };
    },

    rejected: (d) =>
      d.operatorNote
        ? {
            title: `您的${req(d)}未通过审核`,
            blocks: [{ p: `很抱歉，经售后专员审核，您的${req(d)}未能通过。` }, { quote: d.operatorNote, by: NOTE_BY }, { p: APPEAL }],
            sms: '',
            smsQuote: { note: d.operatorNote, sms: (q) => sms(d, q === undefined ? '未通过审核，请查看售后专员的说明：' : `未通过审核。专员说明：“${q}”详情：`) },
          }
        : {
            title: `您的${req(d)}未通过审核`,
            blocks: [{ p: `很抱歉，您的${req(d)}未能通过审核，原因是：${zhCN.rejection[d.reasonCode].text}。` }, { p: APPEAL }],
            sms: sms(d, `未通过审核：${zhCN.rejection[d.reasonCode].sms}。`),
          },

    remedy_choice_needed: (d, f) => {
      const lost = d.caseType === 'lost';
      const refund = d.refund ? `（${f.money(d.refund)}）` : '';
      return {
        title: '请选择您希望的处理方式',
        blocks: [
          { p: `${d.proactive ? '我们已确认您的包裹存在问题，将为您妥善处理。' : `您的${req(d)}已通过审核。`}请在${f.dates.dateTime(d.decideBy)}前选择以下一种处理方式：` },
          { actions: d.options.map((o) => ({ label: choiceLabel(o.choice, lost) + (o.choice === 'return' || o.choice === 'refund' ? refund : ''), url: o.url })) },
          { p: `如届时未选择，我们将默认为您${defaultAction[d.defaultChoice]}。` },
        ],
        sms: sms(d, `：请于${f.dates.shortDateTime(d.decideBy)}前选择处理方式，逾期默认${defaultAction[d.defaultChoice]}。`),
      };
    },

    ship_back: (d, f) => {
      const m = d.method;
      const how =
        m.kind === 'prepaid_label'
          ? `我们已为您准备好${m.carrier}预付运单，寄回无需支付运费。请打印运单贴在包裹上，并于${f.dates.dateTime(d.shipBy)}前交给${m.carrier}快递员或网点。`
          : m.kind === 'pickup'
            ? `${m.carrier}快递员将于${f.dates.window(m.pickupFrom, m.pickupUntil)}上门取件，请提前打包好商品，运单由快递员现场提供。`
            : `请于${f.dates.dateTime(d.shipBy)}前自选快递将商品寄至以下地址，寄出后请在App内填写物流单号，方便我们跟踪。${m.postage === 'customer_pays' ? '本次退货运费由您承担。' : '运费请先行垫付并保留凭证，我们会为您报销。'}`;
      const when: Array<[string, string]> = m.kind === 'pickup' ? [['取件时间', f.dates.window(m.pickupFrom, m.pickupUntil)]] : [['寄出截止', f.dates.dateTime(d.shipBy)]];
      return {
        title: '请将商品寄回',
        blocks: [
          { p: how },
          ...(m.kind === 'prepaid_label' ? [{ actions: [{ label: '获取预付运单', url: m.labelUrl }] }] : []),
          {
            details: [
              ['收件方', d.serviceCenter.name],
              ['地址', d.serviceCenter.address],
              ['电话', d.serviceCenter.phone],
              ...(m.kind === 'self_ship' ? [] : ([['快递公司', m.carrier]] as Array<[string, string]>)),
              ...when,
            ],
          },
          { p: `请将商品连同配件、说明书和赠品一并寄回，尽量使用原包装，并在包裹内附上写有售后单号 ${d.caseId} 的纸条。` },
          { p: `商品到达售后服务中心后我们会通知您。如${f.dates.day(d.shipBy)}前仍未寄出，申请将自动关闭。` },
        ],
        sms: sms(
          d,
          m.kind === 'prepaid_label'
            ? `：请于${f.dates.shortDay(d.shipBy)}前用${m.carrier}预付运单寄回商品。`
            : m.kind === 'pickup'
              ? `：${m.carrier}将于${f.dates.shortWindow(m.pickupFrom, m.pickupUntil)}上门取件，请提前打包。`
              : `：请于${f.dates.shortDay(d.shipBy)}前寄回商品并在App内填写单号。`,
        ),
        smsLink: m.kind === 'prepaid_label' ? '运单及地址：' : m.kind === 'self_ship' ? '地址：' : undefined,
      };
    },

    item_received: (d, f) => {
      const by = f.dates.day(d.dueBy);
      const next = (
        {
          refund: [`我们会尽快检测，并于${by}前为您办理退款。`, '完成退款'],
          replacement: [`我们会尽快检测，并于${by}前为您寄出新商品。`, '寄出新商品'],
          repair: [`维修工程师会尽快处理，并于${by}前将商品修好寄回给您。`, '修好寄回'],
          inspection: [`我们会对商品进行检测，并于${by}前告知您结果。`, '告知检测结果'],
        } satisfies Record<string, [string, string]>
      )[d.next];
      return {
        title: '商品已送达售后服务中心',
        blocks: [{ p: `您寄回的商品已于${f.dates.day(d.receivedAt)}送达售后服务中心。` }, { p: next[0] }],
        sms: sms(d, `：商品已于${f.dates.shortDay(d.receivedAt)}签收，预计${f.dates.shortDay(d.dueBy)}前${next[1]}。`),
      };
    },

    refund_issued: (d, f) => {
      const money = f.money(d);
      const original = d.refundTo === 'original_payment';
      return {
        title: original ? `退款 ${money} 已原路退回` : `退款 ${money} 已退至账户余额`,
        blocks: original
          ? [{ p: `已将 ${money} 原路退回至您的支付账户。` }, { p: d.expectedBy ? `预计${f.dates.day(d.expectedBy)}前到账。` : '具体到账时间以银行或支付平台为准，请留意查收。' }]
          : [{ p: `已将 ${money} 退至您的账户余额，现在即可使用。` }],
        sms: sms(d, original ? `：${money}已原路退回，请留意到账。` : `：${money}已退至您的账户余额。`),
      };
    },

    compensation_issued: (d, f) => {
      const money = f.money(d);
      return {
        title: `${money} 补偿已发放`,
        blocks: [
          {
            p:
              d.reason === 'delay'
                ? `很抱歉您的订单未能按时送达。作为补偿，我们已向您的账户发放 ${money}。`
                : `给您带来不便，我们深表歉意。我们已向您的账户发放 ${money} 作为补偿。`,
          },
          ...(d.validUntil ? [{ p: `有效期至${f.dates.day(d.validUntil)}。` }] : []),
        ],
        sms: sms(d, `：${d.reason === 'delay' ? '延误' : ''}补偿${money}已发放至您的账户。`),
      };
    },

    replacement_shipped: (d, f) => {
      const what: [string, string, string] =
        d.caseType === 'lost'
          ? ['已为您重新发货', `已通过${d.carrier}为您重新发货。`, '重新发出的商品']
          : d.caseType === 'missing_part'
            ? ['缺少的配件已寄出', `缺少的配件已通过${d.carrier}寄出。`, '缺少的配件']
            : ['换新商品已寄出', `换新商品已通过${d.carrier}寄出。`, '换新商品'];
      return {
        title: what[0],
        blocks: [
          { p: `${what[1]}${d.expectedBy ? `预计${f.dates.day(d.expectedBy)}前送达。` : ''}` },
          { details: [['快递公司', d.carrier], ['运单号', d.trackingNumber], ...(d.expectedBy ? ([['预计送达', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : [])] },
          ...(d.trackingUrl ? [{ actions: [{ label: '查看物流', url: d.trackingUrl }] }] : []),
          ...(d.returnOriginalBy
            ? [{ p: `由于新商品是在收到原商品之前提前寄出的，请于${f.dates.day(d.returnOriginalBy)}前将原商品寄回；逾期未收到，我们将按约定收取新商品的费用。` }]
            : []),
        ],
        sms: sms(d, `：${what[2]}已发出，${d.carrier}运单号${d.trackingNumber}。`),
      };
    },

    repair_done: (d, f) => ({
      title: '商品已修好，正在寄回',
      blocks: [
        { p: `好消息！您的商品已维修完成，并已通过${d.carrier}寄回给您。${d.expectedBy ? `预计${f.dates.day(d.expectedBy)}前送达。` : ''}` },
        { details: [['快递公司', d.carrier], ['运单号', d.trackingNumber], ...(d.expectedBy ? ([['预计送达', f.dates.day(d.expectedBy)]] as Array<[string, string]>) : [])] },
        ...(d.trackingUrl ? [{ actions: [{ label: '查看物流', url: d.trackingUrl }] }] : []),
      ],
      sms: sms(d, `：商品已修好寄回，${d.carrier}运单号${d.trackingNumber}。`),
    }),

    delay_notice: (d, f) => ({
      title: '售后处理需要延期',
      blocks: [
        { p: `非常抱歉，由于${zhCN.delay[d.reason].text}，您的${req(d)}无法在承诺时间内处理完成。` },
        {
          p: d.newExpectedBy
            ? `预计将于${f.dates.day(d.newExpectedBy)}前处理完成。您可以选择继续等待，也可以取消申请：`
            : '新的完成时间确定后我们会第一时间告知您。您可以选择继续等待，也可以取消申请：',
        },
        {
          actions: [
            { label: '继续等待', url: d.keepWaitingUrl },
            { label: '取消申请', url: d.cancelUrl },
          ],
        },
        { p: '如果您愿意继续等待，无需任何操作，我们会继续处理并随时告知进展。' },
        { note: '如因等待给您造成损失，请在App内告诉我们，我们将按照平台规定及相关法律法规承担相应责任。' },
      ],
      sms: sms(d, d.newExpectedBy ? `因${zhCN.delay[d.reason].sms}需延期至${f.dates.shortDay(d.newExpectedBy)}，` : `因${zhCN.delay[d.reason].sms}需延期，`),
      smsLink: '继续等待或取消：',
    }),

    cancelled: (d) => ({
      title: `您的${req(d)}已取消`,
      blocks: [{ p: `已按您的要求取消${req(d)}，该申请不会再有后续处理。` }, { p: '如仍需帮助，可随时在App内重新发起申请。' }],
      sms: sms(d, '已按您的要求取消。'),
    }),

    charged_back: (d, f) => {
      const money = f.money(d);
      return {
        title: `已收取换新商品费用 ${money}`,
        blocks: [
          { p: `我们在收到您的原商品之前，已提前为您寄出换新商品，并约定您于${f.dates.day(d.returnWasDueBy)}前寄回原商品。` },
          { p: `由于至今仍未收到原商品，我们已按约定收取换新商品费用 ${money}。` },
          { p: '如您已经寄出，请在App内填写物流单号，我们会立即核实处理。' },
        ],
        sms: sms(d, `：原商品未在${f.dates.shortDay(d.returnWasDueBy)}前寄回，已收取换新商品费用${money}。`),
      };
    },

    case_closed: (d) => {
      const r = req(d);
      const why = (
        {
          completed: [`您的${r}已处理完成，售后单现已关闭。感谢您的耐心与支持！`, '已处理完成，感谢您的支持！'],
          rejected: [`您的${r}已按此前告知的审核结果关闭。`, '已关闭。'],
          cancelled: [`您已取消${r}，售后单现已关闭。`, '已关闭。'],
          evidence_expired: [`由于未在规定时间内收到所需照片，您的${r}已关闭。`, '因未按时补充照片已关闭。'],
          return_expired: [`由于未在规定时间内寄回商品，您的${r}已关闭。`, '因未按时寄回商品已关闭。'],
          none: [`您的${r}已关闭。`, '已关闭。'],
        } satisfies Record<string, [string, string]>
      )[d.closeReason ?? 'none'];
      return {
        title: d.closeReason === 'completed' ? `您的${r}已处理完成` : `您的${r}已关闭`,
        blocks: [{ p: why[0] }, { p: '如仍有问题，可随时在App内联系我们或重新发起申请。' }],
        sms: sms(d, why[1]),
      };
    },

    survey_invitation: (d, f) => ({
      title: '邀请您评价本次售后服务',
      blocks: [
        { p: `您的${req(d)}已处理完成。诚邀您花1分钟，对我们的响应速度、问题解决和服务态度做个评价。` },
        { actions: [{ label: '去评价', url: d.surveyUrl }] },
        { p: `评价入口将于${f.dates.dateTime(d.expiresAt)}关闭。` },
        { note: '如本次服务有不满意的地方，请在评价中告诉我们，我们会安排专人回访。' },
      ],
      sms: `售后单${d.caseId}已处理完成，邀您花1分钟评价服务（${f.dates.shortDay(d.expiresAt)}前有效）：${d.surveyUrl}`,
      smsLink: false,
    }),

    survey_reminder: (d, f) => ({
      title: '提醒：期待您的评价',
      blocks: [
        { p: `前几天我们邀请您评价${req(d)}的售后服务，评价入口将于${f.dates.dateTime(d.expiresAt)}关闭。您的反馈对我们很重要，只需1分钟。` },
        { actions: [{ label: '去评价', url: d.surveyUrl }] },
        { note: '如本次服务有不满意的地方，请在评价中告诉我们，我们会安排专人回访。' },
      ],
      sms: `提醒：售后单${d.caseId}的服务评价将于${f.dates.shortDay(d.expiresAt)}截止，期待您的反馈：${d.surveyUrl}`,
      smsLink: false,
    }),
  },
};
