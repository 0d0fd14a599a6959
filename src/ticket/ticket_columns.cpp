#include "ticket/ticket_columns.hpp"

#include "ticket/status_categories.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"
#include "ticket/ticket_words.hpp"

#include <algorithm>
#include <bit>
#include <variant>

namespace aftersales::detail {

void IdColumn::push_wide(std::uint32_t id) {
  const unsigned needed = id <= UINT8_MAX ? 1 : id <= UINT16_MAX ? 2 : 4;
  if (needed > width_) widen(needed);
  const std::size_t at = bytes_.size();
  bytes_.resize(at + width_);
  // Little-endian: the low bytes of `id` are the id at any width that holds it.
  static_assert(std::endian::native == std::endian::little);
  std::memcpy(bytes_.data() + at, &id, width_);
}

void IdColumn::widen(unsigned width) {
  const std::size_t count = size();
  std::vector<std::uint8_t> wider(count * width);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t id = (*this)[i];
    std::memcpy(wider.data() + i * width, &id, width);
  }
  bytes_ = std::move(wider);
  width_ = width;
}

Dictionary::Dictionary() : ids_(std::make_unique<std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>>()) {
  ids_->emplace(std::string(), 0);
}

std::uint32_t Dictionary::intern(std::string_view text) {
  // A ticket's events name the same agent and queue over and over: the last text is checked first.
  if (text.empty()) return 0;
  if (text == this->text(last_)) return last_;
  if (const auto it = ids_->find(text); it != ids_->end()) return last_ = it->second;
  if (size() >= UINT32_MAX) throw InputError("a ticket batch may hold at most 2^32 - 1 distinct texts of one kind");
  const auto id = static_cast<std::uint32_t>(size());
  ids_->emplace(std::string(text), id);
  append(text);
  return last_ = id;
}

void Dictionary::append(std::string_view text) {
  chars_.append(text);
  ends_.push_back(chars_.size());
}

void Dictionary::seal() {
  ids_.reset();
  chars_.shrink_to_fit();
  ends_.shrink_to_fit();
}

std::size_t Dictionary::memory_bytes() const noexcept {
  // The lookup table is counted only while building; a sealed one has none.
  return chars_.capacity() + ends_.capacity() * sizeof(std::size_t);
}

namespace {

template <class T>
std::size_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

template <class T>
const T& by_event(const std::vector<T>& side, std::size_t event) {
  return *std::lower_bound(side.begin(), side.end(), event, [](const T& a, std::size_t e) { return a.event < e; });
}

// The member of `e` its type reads, in the nibble, or nullopt when the event needs odd_events:
// a value out of the nibble's range, or a member its type does not read set otherwise than a
// default event has it, or a side record (an override, a change). `custom_status` is the event's custom status as an id
// in the batch's `statuses`, or 0.
std::optional<std::uint8_t> nibble_of(const Event& e, bool side_record, std::uint32_t custom_status) {
  const Event blank;
  const bool status = e.type == EventType::status, priority = e.type == EventType::priority;
  const bool scored = e.type == EventType::satisfaction || e.type == EventType::nps;
  if ((!status && e.to_status != blank.to_status) || (!priority && e.to_priority != blank.to_priority) ||
      (!scored && e.score != blank.score) || side_record)
    return std::nullopt;
  constexpr unsigned first = TicketColumns::first_custom_status;
  if (status && custom_status != 0) {
    if (custom_status > 16 - first || e.to_status != blank.to_status) return std::nullopt;
    return static_cast<std::uint8_t>(first + custom_status - 1);
  }
  if (status) return static_cast<std::uint8_t>(e.to_status);
  if (priority) return static_cast<std::uint8_t>(e.to_priority);
  if (scored && e.score >= 0 && e.score <= 15) return static_cast<std::uint8_t>(e.score);
  if (scored) return std::nullopt;
  return 0;
}

}  // namespace

const FarEvent& TicketColumns::far_event(std::size_t event) const noexcept { return by_event(far_events, event); }
const OddEvent& TicketColumns::odd_event(std::size_t event) const noexcept { return by_event(odd_events, event); }

std::size_t TicketColumns::memory_bytes() const noexcept {
  std::size_t total = sizeof(TicketColumns);
  for (const IdColumn* c : {&channel, &category, &tier, &language, &currency, &agent, &queue, &name, &tag, &field_name})
    total += c->memory_bytes();
  for (const Dictionary* d :
       {&channels, &categories, &tiers, &languages, &agents, &queues, &names, &tags, &field_names, &field_texts, &statuses})
    total += d->memory_bytes();
  return total + bytes_of(created_at) + bytes_of(priority) + bytes_of(id_ends) + ids.capacity() + bytes_of(amount) +
         bytes_of(currencies) + bytes_of(event_ends) + bytes_of(tag_ends) + bytes_of(field_ends) + bytes_of(at_ms) +
         bytes_of(type) + bytes_of(bits) + bytes_of(far_events) + bytes_of(odd_events) + bytes_of(field_kind) +
         bytes_of(field_value);
}

Ticket TicketColumns::ticket(std::size_t index) const {
  Ticket t;
  t.id = id_text(3 * index);
  t.customer.id = id_text(3 * index + 1);
  t.order.id = id_text(3 * index + 2);
  t.created_at = created_at[index];
  t.priority = priority[index];
  t.channel = channels.text(channel[index]);
  t.category = categories.text(category[index]);
  t.customer.tier = tiers.text(tier[index]);
  t.customer.language = languages.text(language[index]);
  if (const std::uint32_t c = currency[index]; c != 0) t.order.amount = Money(amount[index], currencies[c - 1]);
  for (std::uint64_t i = begin_of(tag_ends, index); i < tag_ends[index]; ++i) t.tags.emplace_back(tags.text(tag[i]));
  for (std::uint64_t i = begin_of(field_ends, index); i < field_ends[index]; ++i) {
    FieldScalar value;
    switch (field_kind[i]) {
      case FieldKind::text: value = std::string(field_texts.text(static_cast<std::uint32_t>(field_value[i]))); break;
      case FieldKind::number: value = std::bit_cast<double>(field_value[i]); break;
      case FieldKind::boolean: value = field_value[i] != 0; break;
    }
    t.fields.emplace_back(std::string(field_names.text(field_name[i])), std::move(value));
  }
  const std::uint64_t first = begin_of(event_ends, index);
  t.events.resize(event_ends[index] - first);
  CustomStatusIds custom_statuses(t.custom_statuses);
  for (std::size_t k = 0; k < t.events.size(); ++k) {
    const std::size_t i = first + k;
    Event& e = t.events[k];
    e.at = event_at(i, t.created_at);
    e.type = type[i];
    const std::uint32_t n = name[i];
    e.name = n == 0 ? to_string(e.type) : names.text(n - 1);
    e.agent = agents.text(agent[i]);
    e.queue = queues.text(queue[i]);
    e.is_public = (bits[i] & is_public_bit) != 0;
    e.bot = (bits[i] & bot_bit) != 0;
    if (const std::uint32_t status = BatchEvent(*this, i, e.at).custom_status(); status != 0)
      e.detail = custom_statuses.id(statuses.text(status));
    if ((bits[i] & odd_bit) != 0) {
      const OddEvent& odd = odd_event(i);
      e.to_status = odd.to_status;
      e.to_priority = odd.to_priority;
      e.score = odd.score;
      if (odd.due_at) {
        t.overrides.push_back({odd.text, *odd.due_at});
        e.detail = static_cast<std::uint32_t>(t.overrides.size());
      } else if (e.type == EventType::custom && change_kind(e.name)) {
        t.changes.push_back({odd.text, odd.value});
        e.detail = static_cast<std::uint32_t>(t.changes.size());
      }
    } else if (const std::uint8_t value = bits[i] >> value_shift; e.type == EventType::status) {
      if (value < first_custom_status) e.to_status = static_cast<Status>(value);
    } else if (e.type == EventType::priority) {
      e.to_priority = static_cast<Priority>(value);
    } else {
      e.score = value;
    }
  }
  return t;
}

ColumnsBuilder::ColumnsBuilder() : c_(std::make_unique<TicketColumns>()) {}

void ColumnsBuilder::append(const Ticket& t) {
  TicketColumns& c = *c_;
  c.created_at.push_back(t.created_at);
  c.priority.push_back(t.priority);
  c.channel.push_back(c.channels.intern(t.channel));
  c.category.push_back(c.categories.intern(t.category));
  c.tier.push_back(c.tiers.intern(t.customer.tier));
  c.language.push_back(c.languages.intern(t.customer.language));
  for (const std::string* id : {&t.id, &t.customer.id, &t.order.id}) {
    c.ids += *id;
    c.id_ends.push_back(c.ids.size());
  }
  std::uint32_t currency = 0;
  if (t.order.amount) {
    const Currency& code = t.order.amount->currency();
    const auto known = std::find(c.currencies.begin(), c.currencies.end(), code);
    currency = static_cast<std::uint32_t>(known - c.currencies.begin()) + 1;
    if (known == c.currencies.end()) c.currencies.push_back(code);
  }
  c.currency.push_back(currency);
  c.amount.push_back(t.order.amount ? t.order.amount->minor_units() : 0);
  for (const std::string& tag : t.tags) c.tag.push_back(c.tags.intern(tag));
  c.tag_ends.push_back(c.tag.size());
  for (const auto& [name, value] : t.fields) {
    c.field_name.push_back(c.field_names.intern(name));
    if (const auto* text = std::get_if<std::string>(&value)) {
      c.field_kind.push_back(FieldKind::text);
      c.field_value.push_back(c.field_texts.intern(*text));
    } else if (const auto* number = std::get_if<double>(&value)) {
      c.field_kind.push_back(FieldKind::number);
      c.field_value.push_back(std::bit_cast<std::uint64_t>(*number));
    } else {
      c.field_kind.push_back(FieldKind::boolean);
      c.field_value.push_back(std::get<bool>(value) ? 1 : 0);
    }
  }
  c.field_ends.push_back(c.field_name.size());
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    require_detail(t, i);  // a hand-built ticket's may be out of range
    const EventRef e(t, t.events[i]);
    const std::uint32_t status = e.custom_status();
    const std::uint32_t d = t.events[i].detail;
    append_event(t.events[i], e.due_at() ? &t.overrides[d - 1] : nullptr, e.change() ? &t.changes[d - 1] : nullptr,
                 t.created_at, status != 0 ? c.statuses.intern(t.custom_statuses[status - 1]) : 0);
  }
  c.event_ends.push_back(c.type.size());
}

void ColumnsBuilder::append_event(const Event& e, const DueOverride* due, const FieldChange* change,
                                  Instant created, std::uint32_t custom_status) {
  TicketColumns& c = *c_;
  const std::uint64_t index = c.type.size();
  const auto after = (e.at - created).count();
  if (after >= 0 && after < TicketColumns::far) {
    c.at_ms.push_back(static_cast<std::uint32_t>(after));
  } else {
    c.at_ms.push_back(TicketColumns::far);
    c.far_events.push_back({index, e.at});
  }
  c.type.push_back(e.type);
  c.name.push_back(e.name == to_string(e.type) ? 0 : c.names.intern(e.name) + 1);
  c.agent.push_back(c.agents.intern(e.agent));
  c.queue.push_back(c.queues.intern(e.queue));
  std::uint8_t bits = (e.is_public ? TicketColumns::is_public_bit : 0) | (e.bot ? TicketColumns::bot_bit : 0);
  if (const auto nibble = nibble_of(e, due != nullptr || change != nullptr, custom_status)) {
    bits |= static_cast<std::uint8_t>(*nibble << TicketColumns::value_shift);
  } else {
    bits |= TicketColumns::odd_bit;
    c.odd_events.push_back({index, e.to_status, e.to_priority, e.score,
                            due ? due->metric : change ? change->name : std::string(),
                            due ? std::optional(due->due_at) : std::nullopt, change ? change->value : std::nullopt,
                            custom_status});
  }
  c.bits.push_back(bits);
}

TicketBatch ColumnsBuilder::finish() {
  TicketColumns& c = *c_;
  // Vectors grow by doubling: up to half of each would be spare capacity for good.
  const auto fit = [](auto&... columns) { (columns.shrink_to_fit(), ...); };
  fit(c.created_at, c.priority, c.channel, c.category, c.tier, c.language, c.id_ends, c.ids, c.amount, c.currency,
      c.currencies, c.event_ends, c.tag_ends, c.field_ends, c.at_ms, c.type, c.bits, c.agent, c.queue, c.name,
      c.far_events, c.odd_events, c.tag, c.field_name, c.field_kind, c.field_value);
  for (Dictionary* d : {&c.channels, &c.categories, &c.tiers, &c.languages, &c.agents, &c.queues, &c.names, &c.tags,
                        &c.field_names, &c.field_texts, &c.statuses})
    d->seal();
  TicketBatch batch(std::shared_ptr<const TicketColumns>(std::move(c_)));
  c_ = std::make_unique<TicketColumns>();
  return batch;
}

void append_lines(ColumnsBuilder& builder, std::span<const batch::Line> lines, unsigned threads,
                  batch::Progress& progress, const PlaceLineError& place) {
  // Enough lines that the threads share each block, few enough that its Tickets stay small.
  constexpr std::size_t block = 4096;
  std::vector<Ticket> read(std::min(block, lines.size()));
  for (std::size_t begin = 0; begin < lines.size(); begin += block) {
    const std::span<const batch::Line> part = lines.subspan(begin, std::min(block, lines.size() - begin));
    batch::for_each(part.size(), threads, progress, [&](std::size_t i) {
      try {
        if (part[i].oversized != 0) refuse_ticket_size(part[i].oversized);  // a line too long to hold
        read[i] = Ticket::from_json(part[i].text);
      } catch (const InputError& e) {
        place(e, part[i]);
      }
    });
    for (std::size_t i = 0; i < part.size(); ++i) builder.append(read[i]);
  }
}

void require_row(const TicketBatch& batch, std::size_t index) {
  if (index >= batch.size())
    throw NotFoundError("no ticket " + std::to_string(index) + " in a batch of " + std::to_string(batch.size()));
}

const TicketColumns& columns_of(const TicketBatch& batch) noexcept { return *batch.columns_; }

}  // namespace aftersales::detail

namespace aftersales {

TicketBatch::TicketBatch() : TicketBatch(std::make_shared<const detail::TicketColumns>()) {}

TicketBatch::TicketBatch(std::shared_ptr<const detail::TicketColumns> columns) noexcept : columns_(std::move(columns)) {}

TicketBatch TicketBatch::from_tickets(std::span<const Ticket> tickets) {
  detail::ColumnsBuilder builder;
  for (const Ticket& t : tickets) builder.append(t);
  return builder.finish();
}

TicketBatch TicketBatch::from_lines(std::string_view jsonl, const BatchOptions& options) {
  const std::vector<batch::Line> lines = batch::non_blank_lines(jsonl, options.first_line);
  detail::ColumnsBuilder builder;
  batch::Progress progress(options.progress, lines.size());
  detail::append_lines(builder, lines, options.threads, progress, [](const InputError& e, const batch::Line& line) {
    throw InputError("line " + std::to_string(line.number) + ": " + e.what(), e.path());
  });
  progress.finish();
  return builder.finish();
}

std::size_t TicketBatch::size() const noexcept { return columns_->size(); }

Ticket TicketBatch::ticket(std::size_t index) const {
  detail::require_row(*this, index);
  return columns_->ticket(index);
}

std::size_t TicketBatch::memory_bytes() const noexcept { return columns_->memory_bytes(); }

}  // namespace aftersales
