//! Every text of a reason, once, in English and Korean: the one table of messages.
//!
//! A message has a text per [`Locale`] with numbered placeholders `{0}`, `{1}`, ... (word
//! order differs between the languages, so each text places the arguments where its
//! language puts them). [`say!`] writes one into a string with room for a typical
//! sentence; the fragments a sentence is built of (hours, percentages, level and action
//! names, a category's or a route's phrase, a channel's name) come from this table too.
//! Rendering is a scan of the `&'static str` for `{n}`: nothing is parsed at run time.

use std::fmt::{self, Display, Write};

use crate::assessment::Route;
use crate::assessment::{Action, Level};
use crate::macros::spec_enum;
use crate::vocab::{ConcernCategory, Signal};

spec_enum! {
    /// The language reasons are written in: a profile's `locale` (`en` when absent).
    ///
    /// ```
    /// use anbu::{Locale, Profile};
    /// let p = Profile::from_json(r#"{"name": "seoul_ko", "locale": "ko"}"#)?;
    /// assert_eq!(p.locale, Locale::Ko);
    /// assert_eq!(Profile::builtin("full")?.locale, Locale::En);
    /// assert_eq!("ko".parse::<Locale>(), Ok(Locale::Ko));
    /// # Ok::<(), anbu::Error>(())
    /// ```
    #[derive(Default)]
    pub enum Locale {
        /// English (the default).
        #[default]
        En = "en",
        /// Korean.
        Ko = "ko",
    }
}

/// Room for a typical reason's sentence, reserved up front so that writing it does not
/// grow its string again and again.
const SENTENCE_BYTES: usize = 128;

/// Declares the table: `Name: "English", "한국어";`.
macro_rules! messages {
    ($( $name:ident: $en:literal, $ko:literal; )+) => {
        /// A message of the table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub(crate) enum Msg {
            $( $name ),+
        }

        impl Msg {
            /// Every message, in declaration order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Msg] = &[$(Msg::$name),+];

            /// The message's text in `locale`, with its placeholders.
            pub(crate) const fn text(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::En => match self { $( Msg::$name => $en ),+ },
                    Locale::Ko => match self { $( Msg::$name => $ko ),+ },
                }
            }
        }
    };
}

messages! {
    // Units and the pieces of other sentences.
    Hours: "{0} h", "{0}시간";
    PercentBelow: "<1%", "1% 미만";
    PercentAbove: ">99%", "99% 초과";
    Percent: "{0}%", "{0}%";
    ListSep: ", ", ", ";

    // Levels and actions, as sentences name them.
    LevelNormal: "normal", "정상";
    LevelWatch: "watch", "관심";
    LevelWarning: "warning", "경고";
    LevelCritical: "critical", "위급";
    ActionNone: "none", "조치 없음";
    ActionCheckinCall: "checkin_call", "안부 전화";
    ActionNotify: "notify", "담당 복지사 연락";
    ActionDispatch: "dispatch", "현장 출동";

    // Signals, as sentences name them.
    SignalCall: "call", "통화";
    SignalSteps: "steps", "걸음 수";
    SignalDoor: "door", "문 센서";
    SignalPlug: "plug", "전력 플러그";
    SignalApp: "app", "휴대폰 앱";
    SignalCheckin: "checkin", "안부 전화";
    SignalSos: "sos", "응급 버튼";
    SignalAway: "away", "부재";
    SignalHeartbeat: "heartbeat", "기기 상태 신호";
    SignalMeter: "meter", "전력량계";
    SignalDisposition: "disposition", "확인 결과";

    // What a person said on a call, and where it is routed.
    CategoryWelfareRequest: "a request for welfare help", "복지 지원 요청";
    CategoryPain: "pain", "통증 호소";
    CategoryCold: "being cold", "추위 호소";
    CategoryThreat: "a threat", "위협 신고";
    CategorySelfHarm: "thoughts of self-harm", "자해 생각 언급";
    CategoryOther: "a concern", "기타 우려";
    RouteCaseworkerCallback: "a call-back by the caseworker", "담당 복지사 회신 전화";
    RouteVisit: "a visit", "현장 방문";
    RouteAmbulance: "119 (ambulance)", "119(구급)";
    RoutePolice: "the police (112)", "경찰(112)";
    RouteCrisisLine: "the crisis line (109) and the caseworker", "자살예방 상담전화(109)와 담당 복지사";

    // How a channel's silence was judged (`inactivity`).
    JudgedFixed: "alert at {0}", "경보 기준 {0}";
    JudgedUsual: "usual for this person at these hours", "이 시간대 대상자에게 흔한 일";
    JudgedRare: "this person's silences this unusual end on their own about 1 time in {0}",
        "이 정도 무활동이 별일 없이 끝나는 경우 약 {0}번 중 1번";
    JudgedNever: "this person's silences almost never get this unusual", "대상자에게 이 정도 무활동은 거의 없음";
    JudgedChance: "; chance that something is wrong: {0}", "; 이상 가능성 {0}";
    JudgedReliability: "; silent {0} while the person was seen otherwise, it counts x{1}",
        "; 다른 신호로 활동이 보이는 동안에도 {0} 무신호, 반영 x{1}";
    JudgedLearning: "; routine {0}% learned, alert at {1} until then",
        "; 생활 패턴 {0}% 학습, 그때까지 경보 기준 {1}";

    // `inactivity`.
    SilentCall: "no call made or answered", "통화 발신·수신 없음";
    SilentSteps: "no steps counted", "걸음 수 기록 없음";
    SilentDoor: "door not opened or closed", "문 열림·닫힘 없음";
    SilentApp: "phone not used", "휴대폰 사용 없음";
    SilentOther: "no activity", "활동 없음";
    Inactivity: "{0} for {1} ({2})", "{1} 동안 {0} ({2})";

    // `no_change`.
    MeterUsualLoad: "{0} at {1} W, the household's usual load (up to about {2} W at this hour): no appliance switched on or off for {3} ({4})",
        "{0} {1} W, 평소 부하 수준(이 시간대 최대 약 {2} W): {3} 동안 가전을 켜고 끈 기록 없음 ({4})";
    MeterNoSwitch: "{0}: no appliance switched on or off for {1} ({2})",
        "{0}: {1} 동안 가전을 켜고 끈 기록 없음 ({2})";
    PlugSteady: "{0} on at a steady {1} W but untouched", "{0} {1} W로 계속 켜져 있으나 조작 없음";
    PlugUsuallyOff: "{0} on at a steady {1} W but untouched, {2} of it at hours it is usually off",
        "{0} {1} W로 계속 켜져 있으나 조작 없음, 그중 {2}은 평소 꺼져 있는 시간대";
    PlugOff: "{0} off, nothing switched on", "{0} 꺼짐, 켜진 기기 없음";
    PlugLitUsuallyDark: ", the light at it up at {0} lux, {1} of it at hours it is usually dark",
        ", 조도 {0} lux로 계속 밝음, 그중 {1}은 평소 어두운 시간대";
    PlugNoReading: "no plug reading", "플러그 측정값 없음";
    NoChange: "{0}: no change in power or light for {1} ({2})", "{0}: {1} 동안 전력·조도 변화 없음 ({2})";

    // `device_offline`.
    DeviceReportedFaulty: "{0} was reported faulty by a call or visit: its silence is not counted",
        "{0}: 전화·방문으로 고장 확인, 무신호 미반영";
    DeviceFault: "{0} has not reported for {1}: device fault? its silence is not counted",
        "{0}: {1} 동안 수신 없음, 기기 고장 의심, 무신호 미반영";
    DeviceDark: "{0} has not reported for {1} and nothing else showed life since: switched off, or its owner unable to charge it?",
        "{0}: {1} 동안 수신 없고 그 뒤 다른 활동 신호도 없음: 전원을 껐거나 충전하지 못하는 상황?";
    DeviceNoneWorking: "; no working device watches this person", "; 대상자를 지켜보는 정상 기기 없음";

    // `disposition`.
    FoundEmergency: "a call or visit at {0} found an emergency: a confirmed incident",
        "{0} 전화·방문에서 응급 상황 확인: 확인된 사고";
    FoundDeceased: "a visit at {0} found the person dead: a confirmed incident", "{0} 방문에서 사망 확인: 확인된 사고";
    FoundUnreachable: "nobody answered at {0} and nothing has shown life since: reach the person (police or 119 to open the door)",
        "{0} 응답 없음, 이후 활동 신호 없음: 대상자 확인 필요(문 개방은 경찰·119)";

    // `sos`.
    SosPressed: "emergency button pressed at {0}", "{0} 응급 버튼 누름";
    SosGuardian: "; routed to the guardian as well", "; 보호자에게도 연계";

    // `away`, `away_from_home`.
    AwayFound: "away since {0} (a call or visit found): silence is not counted until a sign of life",
        "{0}부터 부재(전화·방문으로 확인): 활동 신호가 있을 때까지 무신호 미반영";
    AwayRegistered: "registered absence until {0}: silence is not counted", "{0}까지 부재 등록: 무신호 미반영";
    AwayFromHome: "probably away from home: left by the door at {0}, phone active at {1} ({2} ago); the home's silence counts x{3}",
        "외출 중으로 보임: {0} 문으로 나감, {1} 휴대폰 사용({2} 전); 집 안 무신호는 x{3}만 반영";

    // `decline`.
    DeclineDeficit: "activity well below this person's usual for hours: a deficit of {0} nats (CUSUM; evidence from {1}); chance that something is wrong: {2}",
        "몇 시간째 활동이 평소보다 크게 적음: 부족분 {0} nats (CUSUM, {1}부터 근거); 이상 가능성 {2}";
    DeclineSteps: "activity down {0}% over the last days: {1} steps a day against a usual {2} (EWMA)",
        "최근 며칠 활동 {0}% 감소: 하루 {1}걸음(평소 {2}걸음) (EWMA)";
    DeclineSigns: "activity down {0}% over the last days: {1} signs of life a day against a usual {2} (EWMA)",
        "최근 며칠 활동 {0}% 감소: 하루 활동 신호 {1}회(평소 {2}회) (EWMA)";
    DeclineAnswered: "; a check-in call was answered in the last day", "; 최근 하루 안에 안부 전화 응답 있음";
    DeclineLook: "activity down {0}% over the last days though the person answers the automatic calls, and no caseworker's call or visit in {1} days: the caseworker should call or visit",
        "자동 안부 전화에는 응답하나 최근 며칠 활동 {0}% 감소, {1}일 동안 담당자 통화·방문 없음: 담당자 확인 필요";

    // `missed_checkins`, `concern`.
    ConcernHelp: "check-in call at {0} answered, but the person asked for help", "{0} 안부 전화 응답, 도움 요청";
    ConcernCategory: " ({0})", " ({0})";
    ConcernRouted: "check-in call at {0} answered, but the person reported {1} ({2}): {3}, {4}, routed to {5}",
        "{0} 안부 전화 응답, {1}({2}): {3}, {4}, {5} 연계";
    MissedOne: "check-in call at {0} missed since the last sign of life", "{0} 안부 전화 미응답 (마지막 활동 신호 이후)";
    MissedSince: "{0} check-in calls missed since the last sign of life (last at {1})",
        "마지막 활동 신호 이후 안부 전화 {0}회 미응답 (마지막 {1})";
    Missed: "{0} check-in calls missed", "안부 전화 {0}회 미응답";
    PhoneOff: "; the phone was off or unreachable at {0}", "; {0} 전화기 꺼짐 또는 연결 안 됨";
    AnswerRate: "; this person answers {0}% of check-in calls", "; 대상자의 안부 전화 응답률 {0}%";

    // `unwatched`.
    UnwatchedNone: "no channel can see this person: ", "대상자를 볼 수 있는 채널 없음: ";
    UnwatchedSome: "not watching the person now: ", "지금 감지하지 못하는 채널: ";
    UnwatchedOffline: " (its devices offline for {0}: a fault)", " (기기 {0} 동안 오프라인: 고장)";
    UnwatchedStale: " (silent for days while the person was seen otherwise: the learned routine hardly counts it)",
        " (다른 신호로 활동이 보이는 동안 며칠째 무신호: 학습된 생활 패턴이 거의 반영하지 않음)";
    UnwatchedCheck: ": check the devices", ": 기기 점검 필요";
    UnwatchedCallsOnly: " (only check-in calls reach the person)", " (안부 전화로만 확인 가능)";
    UnwatchedStill: "; still watching: ", "; 감지 중인 채널: ";

    // `fusion`.
    RecentLife: "sign of life ({0}) at {1}, {2} ago: silence elsewhere before it counts x{3}",
        "{1} 활동 신호({0}), {2} 전: 그 이전 다른 채널의 무신호는 x{3}만 반영";
    HeldBelowWarning: "held below warning until a check-in call is missed ({0} so far), for at most {1}: an automatic call goes first",
        "안부 전화 미응답 전까지 경고 미만 유지(현재 {0}회), 최대 {1}: 자동 안부 전화 먼저";
    HeldBelowWarningActive: "held below warning until a second check-in call is missed ({0} so far), for at most {1}: the person still moves about, and one miss is what a nap makes too",
        "두 번째 안부 전화 미응답 전까지 경고 미만 유지(현재 {0}회), 최대 {1}: 활동이 줄었을 뿐 아직 움직이고 있으며, 한 번의 미응답은 낮잠으로도 생김";
    NoCallSinceWarning: "no check-in call answered or missed in the {0} since the silence reached warning",
        "무활동이 경고에 이른 뒤 {0} 동안 안부 전화 응답·미응답 기록 없음";
    ConfirmedByMisses: "warning confirmed by {0} missed check-in calls: someone must go",
        "안부 전화 {0}회 미응답으로 경고 확인: 현장 출동 필요";
    HeldBelowCritical: "held below critical until {0} check-in calls are missed ({1} so far)",
        "안부 전화 {0}회 미응답 전까지 위급 미만 유지(현재 {1}회)";
    Hysteresis: "held at {0} until the score falls below {1} (hysteresis)",
        "점수가 {1} 아래로 내려갈 때까지 {0} 유지(히스테리시스)";
    SaidCallsFor: "what the person said ({0}) calls for at least {1}, {2}", "대상자 발언({0}): 최소 {1}, {2}";
    Floor: "safety floor: the seed rule of {0} {1} at {2} ({3}silent for {4}, alert at {5})",
        "안전 하한: {0} 기존 서비스 규칙 {2} {1} ({3}{4} 무신호, 경보 기준 {5})";
    FloorFires: "fires", "발령 예정";
    FloorFired: "fired", "발령";
    FloorAlone: "the channel alone ", "이 채널만 ";
    FloorMissedOne: "; {0} check-in call missed since it fired", "; 발령 이후 안부 전화 {0}회 미응답";
    FloorMissed: "; {0} check-in calls missed since it fired", "; 발령 이후 안부 전화 {0}회 미응답";
    FloorMissedAheadOne: "; {0} check-in call missed ahead of it (the call is asked for again when it fires)",
        "; 발령 전 안부 전화 {0}회 미응답(발령 시 다시 요청)";
    FloorMissedAhead: "; {0} check-in calls missed ahead of it (the call is asked for again when it fires)",
        "; 발령 전 안부 전화 {0}회 미응답(발령 시 다시 요청)";
    FloorUnreported: "; no outcome reported of the check-in call asked for at {0}",
        "; {0}에 요청한 안부 전화의 결과 보고 없음";
    FloorAtLeast: ": at least {0}, {1}; the learned routine alone judged {2}",
        ": 최소 {0}, {1}; 학습된 생활 패턴만으로는 {2}";
    NoConsentWaits: "no consent to night and holiday monitoring: {0} waits for the day office's next opening, {1}",
        "야간·휴일 모니터링 미동의: 주간 근무 시작({1})까지 {0} 보류";
    NoConsentNoOpening: "no consent to night and holiday monitoring: {0} waits for the day office, which has no working day within a year",
        "야간·휴일 모니터링 미동의: 1년 안에 주간 근무일이 없어 {0} 보류";

    // The ladder (`ladder`).
    CaseworkerFirst: "the caseworker's call or text goes before a visit: dispatch once a staff call is missed or unreachable, or at {0} without a sign of life",
        "현장 방문 전에 담당 복지사 전화·문자 먼저: 직원 전화가 미응답·연결 안 되면, 또는 {0}까지 활동 신호가 없으면 현장 출동";

    // The engine's own reasons (`faults`).
    ClockAhead: "device `{0}` sent {1} dated up to {2} h ahead of the engine's clock (last at {3}): refused; check the device's clock",
        "기기 `{0}`: 시스템 시각보다 최대 {2}시간 앞선 {1} 수신(마지막 {3}): 거부함, 기기 시계 점검 필요";
    ClockOneEvent: "an event", "이벤트 1건";
    ClockEvents: "{0} events", "이벤트 {0}건";
    Fault: "cannot assess this person now (a technical problem, device clock ahead?): {0}",
        "지금 대상자를 판정할 수 없음(기술 문제, 기기 시계 앞섬?): {0}";

    // Tier advice (`tier`).
    TierYoung: "only {0} whole days of history (fewer than {1}): start with the call log, the pilot's first tier",
        "온전한 기록 {0}일뿐({1}일 미만): 시범사업 첫 단계인 통화 기록부터 시작";
    TierUnreliable: "answers about {0}% of check-in calls: the phone cannot be relied on, so every device watches them",
        "안부 전화 응답률 약 {0}%: 전화에 기댈 수 없어 모든 기기로 살핌";
    TierCallOnly: "calls or answers on {0} of the last {1} days: the call log watches them",
        "최근 {1}일 중 {0}일 통화 발신·수신: 통화 기록으로 살핌";
    TierCallApp: "calls or answers on only {0} of the last {1} days but walks on {2}: the step-count app watches them",
        "최근 {1}일 중 통화는 {0}일뿐이나 걸은 날 {2}일: 걸음 수 앱으로 살핌";
    TierCallIot: "calls or answers on {0} and walks on {1} of the last {2} days: a door sensor and a smart plug watch them at home",
        "최근 {2}일 중 통화 {0}일, 걸은 날 {1}일: 집 안의 문 센서와 스마트 플러그로 살핌";
}

impl Msg {
    /// The message as a fragment of another sentence, written in `locale`.
    pub(crate) const fn at(self, locale: Locale) -> Text {
        Text(self.text(locale))
    }

    /// A level's name.
    pub(crate) const fn level(l: Level) -> Msg {
        match l {
            Level::Normal => Msg::LevelNormal,
            Level::Watch => Msg::LevelWatch,
            Level::Warning => Msg::LevelWarning,
            Level::Critical => Msg::LevelCritical,
        }
    }

    /// An action's name.
    pub(crate) const fn action(a: Action) -> Msg {
        match a {
            Action::None => Msg::ActionNone,
            Action::CheckinCall => Msg::ActionCheckinCall,
            Action::Notify => Msg::ActionNotify,
            Action::Dispatch => Msg::ActionDispatch,
        }
    }

    /// A signal's name.
    pub(crate) const fn signal(s: Signal) -> Msg {
        match s {
            Signal::Call => Msg::SignalCall,
            Signal::Steps => Msg::SignalSteps,
            Signal::Door => Msg::SignalDoor,
            Signal::Plug => Msg::SignalPlug,
            Signal::App => Msg::SignalApp,
            Signal::Checkin => Msg::SignalCheckin,
            Signal::Sos => Msg::SignalSos,
            Signal::Away => Msg::SignalAway,
            Signal::Heartbeat => Msg::SignalHeartbeat,
            Signal::Meter => Msg::SignalMeter,
            Signal::Disposition => Msg::SignalDisposition,
        }
    }

    /// What the person reported, as a reason names it.
    pub(crate) const fn category(c: ConcernCategory) -> Msg {
        match c {
            ConcernCategory::WelfareRequest => Msg::CategoryWelfareRequest,
            ConcernCategory::Pain => Msg::CategoryPain,
            ConcernCategory::Cold => Msg::CategoryCold,
            ConcernCategory::Threat => Msg::CategoryThreat,
            ConcernCategory::SelfHarm => Msg::CategorySelfHarm,
            ConcernCategory::Other => Msg::CategoryOther,
        }
    }

    /// Where a concern is routed, as a reason names it.
    pub(crate) const fn route(r: Route) -> Msg {
        match r {
            Route::CaseworkerCallback => Msg::RouteCaseworkerCallback,
            Route::Visit => Msg::RouteVisit,
            Route::Ambulance => Msg::RouteAmbulance,
            Route::Police => Msg::RoutePolice,
            Route::CrisisLine => Msg::RouteCrisisLine,
        }
    }
}

/// A message's text without placeholders, written as it stands.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Text(&'static str);

impl Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Writes `msg` in `locale` to `out`, each `{n}` replaced by `args[n]`.
pub(crate) fn render_to<W: Write + ?Sized>(
    out: &mut W,
    locale: Locale,
    msg: Msg,
    args: &[&dyn Display],
) -> fmt::Result {
    let text = msg.text(locale);
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(at) = bytes[i..].iter().position(|b| *b == b'{') {
        i += at;
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(d @ b'0'..=b'9'), Some(b'}')) => {
                out.write_str(&text[start..i])?;
                if let Some(arg) = args.get(usize::from(d - b'0')) {
                    write!(out, "{arg}")?;
                }
                i += 3;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.write_str(&text[start..])
}

/// Appends `msg` in `locale` to `out` (see [`render_to`]).
pub(crate) fn render_into(out: &mut String, locale: Locale, msg: Msg, args: &[&dyn Display]) {
    // Writing to a `String` cannot fail.
    let _ = render_to(out, locale, msg, args);
}

/// `msg` in `locale`, in a string with room for a typical sentence.
pub(crate) fn render(locale: Locale, msg: Msg, args: &[&dyn Display]) -> String {
    let mut s = String::with_capacity(SENTENCE_BYTES);
    render_into(&mut s, locale, msg, args);
    s
}

/// A reason's sentence: `say!(locale, Msg::X, arg0, arg1, ...)` (see [`render`]).
macro_rules! say {
    ($locale:expr, $msg:expr $(, $arg:expr)* $(,)?) => {
        $crate::messages::render($locale, $msg, &[$(&$arg as &dyn ::std::fmt::Display),*])
    };
}
pub(crate) use say;

/// Appends to a sentence: `say_more!(detail, locale, Msg::X, args...)`.
macro_rules! say_more {
    ($out:expr, $locale:expr, $msg:expr $(, $arg:expr)* $(,)?) => {
        $crate::messages::render_into(&mut $out, $locale, $msg, &[$(&$arg as &dyn ::std::fmt::Display),*])
    };
}
pub(crate) use say_more;

#[cfg(test)]
mod tests {
    use super::*;

    /// The placeholders of a text, sorted.
    fn placeholders(text: &str) -> Vec<u8> {
        let b = text.as_bytes();
        let mut v: Vec<u8> = b
            .windows(3)
            .filter(|w| w[0] == b'{' && w[2] == b'}' && w[1].is_ascii_digit())
            .map(|w| w[1] - b'0')
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn both_texts_of_every_message_use_the_same_placeholders() {
        for m in Msg::ALL {
            let (en, ko) = (m.text(Locale::En), m.text(Locale::Ko));
            let (pe, pk) = (placeholders(en), placeholders(ko));
            let mut once = pe.clone();
            once.dedup();
            assert_eq!(once, pe, "{m:?}: a placeholder twice in {en:?}");
            assert_eq!(pe, pk, "{m:?}: {en:?} and {ko:?}");
            assert!(pe.iter().enumerate().all(|(i, n)| usize::from(*n) == i), "{m:?}: placeholders {pe:?} not 0..n");
            for text in [en, ko] {
                let braces = text.bytes().filter(|b| *b == b'{' || *b == b'}').count();
                assert_eq!(braces, 2 * pe.len(), "{m:?}: a stray brace in {text:?}");
                assert!(!text.is_empty(), "{m:?}");
            }
            assert!(ko.bytes().any(|b| b >= 0x80) || en == ko || en.len() < 8, "{m:?}: {ko:?} is not Korean");
        }
    }

    #[test]
    fn renders_arguments_in_each_texts_order() {
        let en = say!(Locale::En, Msg::Inactivity, "no steps counted", "30 h", "alert at 24 h");
        assert_eq!(en, "no steps counted for 30 h (alert at 24 h)");
        let ko = say!(Locale::Ko, Msg::Inactivity, Msg::SilentSteps.at(Locale::Ko), "30시간", "x");
        assert_eq!(ko, "30시간 동안 걸음 수 기록 없음 (x)");
        let mut s = say!(Locale::En, Msg::Missed, 3);
        say_more!(s, Locale::En, Msg::AnswerRate, 40);
        assert_eq!(s, "3 check-in calls missed; this person answers 40% of check-in calls");
        let long = "x".repeat(3 * SENTENCE_BYTES);
        assert_eq!(say!(Locale::En, Msg::PlugOff, long), format!("{long} off, nothing switched on"));
    }

    #[test]
    fn names_are_the_spec_names_in_english() {
        for l in Level::ALL {
            assert_eq!(Msg::level(*l).text(Locale::En), l.as_str());
        }
        for a in Action::ALL {
            assert_eq!(Msg::action(*a).text(Locale::En), a.as_str());
        }
        for s in Signal::ALL {
            assert_eq!(Msg::signal(*s).text(Locale::En), s.as_str());
        }
    }
}
