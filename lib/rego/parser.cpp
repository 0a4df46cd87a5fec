// SPDX-License-Identifier: Apache-2.0
#include "rego/parser.h"

#include "rego/lexer.h"
#include "util/error.h"

namespace coco::rego {

std::string Loc::str() const {
  return (file ? *file : std::string("<query>")) + ":" + std::to_string(line) + ":" + std::to_string(col);
}

namespace {

class Parser {
 public:
  Parser(const std::string* file, std::string_view src, Syntax syntax, const Limits& limits)
      : file_(file), src_(src), syntax_(syntax), limits_(limits), toks_(tokenize(src, *file)) {}

  std::shared_ptr<Module> module(std::shared_ptr<Module> m) {
    expect_ident("package");
    m->package = ref_path(false);
    for (;;) {
      if (is_ident("import")) {
        import_decl(*m);
        continue;
      }
      if (peek().kind == Tok::Eof) break;
      rule_decl(*m);
    }
    return m;
  }

  std::shared_ptr<Body> query() {
    auto b = body_until(Tok::Eof);
    return b;
  }

  TermPtr single_term() {
    auto t = in_term();
    if (peek().kind != Tok::Eof) fail_here("unexpected " + describe(peek()) + " after term");
    return t;
  }

 private:
  const std::string* file_;
  std::string_view src_;
  Syntax syntax_;
  const Limits& limits_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::size_t last_end_ = 0;
  bool no_pipe_ = false;  // parsing the first term of [..] or {..}: `|` starts a comprehension

  // Parses a term with `|` as union (nested) or as comprehension separator (first element).
  TermPtr head_term(bool no_pipe) {
    bool saved = no_pipe_;
    no_pipe_ = no_pipe;
    auto t = in_term();
    no_pipe_ = saved;
    return t;
  }

  // `a, b in c` after `a` was parsed; then further `in` chains.
  TermPtr membership_tail(TermPtr lhs) {
    if (is(Tok::Comma)) {
      next();
      auto v = rel_term();
      expect_ident("in");
      auto coll = rel_term();
      lhs = call("internal.member_3", {lhs, v, coll}, lhs->loc);
    }
    while (is_ident("in")) {
      next();
      auto rhs = rel_term();
      lhs = call("internal.member_2", {lhs, rhs}, lhs->loc);
    }
    return lhs;
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > p.limits_.max_nesting)
        p.fail_here("nesting deeper than " + std::to_string(p.limits_.max_nesting));
    }
    ~DepthGuard() { --p.depth_; }
  };

  const Token& peek(std::size_t k = 0) const {
    std::size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    last_end_ = t.end;
    return t;
  }
  bool is(Tok k) const { return peek().kind == k; }
  bool is_ident(std::string_view s) const { return peek().kind == Tok::Ident && peek().text == s; }
  bool accept(Tok k) {
    if (!is(k)) return false;
    next();
    return true;
  }
  bool accept_ident(std::string_view s) {
    if (!is_ident(s)) return false;
    next();
    return true;
  }

  Loc loc(const Token& t) const { return Loc{file_, t.line, t.col}; }

  static std::string describe(const Token& t) {
    if (t.kind == Tok::Eof) return "end of input";
    if (t.kind == Tok::String) return "string";
    return "'" + t.text + "'";
  }

  [[noreturn]] void fail_here(const std::string& msg) const {
    const Token& t = peek();
    throw Error(Exit::Failure, loc(t).str(), "rego parse error: " + msg);
  }
  [[noreturn]] void fail_at(const Loc& l, const std::string& msg) const {
    throw Error(Exit::Failure, l.str(), "rego parse error: " + msg);
  }

  const Token& expect(Tok k, const char* what) {
    if (!is(k)) fail_here(std::string("expected ") + what + ", found " + describe(peek()));
    return next();
  }
  void expect_ident(std::string_view s) {
    if (!is_ident(s)) fail_here("expected '" + std::string(s) + "', found " + describe(peek()));
    next();
  }

  static bool is_keyword(const std::string& s) {
    return s == "package" || s == "import" || s == "default" || s == "not" || s == "with" ||
           s == "as" || s == "some" || s == "every" || s == "else" || s == "if" || s == "in";
  }

  // package a.b.c / import data.x.y: identifiers and ["string"] parts.
  std::vector<std::string> ref_path(bool allow_head_keywords) {
    std::vector<std::string> out;
    const Token& t = expect(Tok::Ident, "a name");
    (void)allow_head_keywords;
    out.push_back(t.text);
    for (;;) {
      if (accept(Tok::Dot)) {
        out.push_back(expect(Tok::Ident, "a name").text);
      } else if (is(Tok::LBrack) && !peek().ws_before) {
        next();
        const Token& s = peek();
        if (s.kind != Tok::String && s.kind != Tok::RawString) fail_here("expected a string in a package or import path");
        out.push_back(next().text);
        expect(Tok::RBrack, "']'");
      } else {
        break;
      }
    }
    return out;
  }

  void import_decl(Module& m) {
    next();  // import
    auto path = ref_path(true);
    std::string alias = path.back();
    if (accept_ident("as")) alias = expect(Tok::Ident, "an alias").text;
    if (path[0] == "future" || path[0] == "rego") return;  // keywords and v1 compatibility
    if (path[0] != "data" && path[0] != "input")
      throw Error(Exit::Failure, loc(peek()).str(), "rego parse error: import must start with data or input");
    m.imports.emplace_back(alias, path);
  }

  // ---------------------------------------------------------------------------------------------
  // Rules

  void rule_decl(Module& m) {
    const Token& start = peek();
    std::size_t start_off = start.begin;
    auto rule = std::make_shared<Rule>();
    rule->loc = loc(start);
    rule->module = &m;
    rule->is_default = accept_ident("default");
    if (!is(Tok::Ident)) fail_here("expected a rule, found " + describe(peek()));
    if (is_keyword(peek().text)) fail_here("unexpected keyword '" + peek().text + "'");

    // Head reference: a constant prefix (names, string keys), then any terms (general ref heads).
    std::vector<std::string> parts{next().text};
    std::vector<TermPtr> rest;        // parts from the first non-constant one on
    bool last_string_bracket = false;  // v0: `p["a"] { }` is a partial set holding "a"
    TermPtr last_string_term;
    for (;;) {
      if (is(Tok::Dot) && peek(1).kind == Tok::Ident) {
        next();
        const Token& n = next();
        if (rest.empty()) parts.push_back(n.text);
        else rest.push_back(scalar(Value::string(n.text), loc(n)));
        last_string_bracket = false;
      } else if (is(Tok::LBrack) && !peek().ws_before) {
        next();
        auto t = in_term();
        expect(Tok::RBrack, "']'");
        bool str = t->kind == TermKind::Scalar && t->value.is_string();
        if (str && rest.empty()) {
          parts.push_back(t->value.as_string());
          last_string_bracket = true;
          last_string_term = t;
        } else {
          rest.push_back(t);
          last_string_bracket = false;
        }
      } else {
        break;
      }
    }

    bool is_function = false;
    if (is(Tok::LParen) && !peek().ws_before) {
      next();
      is_function = true;
      if (!is(Tok::RParen)) {
        for (;;) {
          rule->args.push_back(in_term());
          if (!accept(Tok::Comma)) break;
          if (is(Tok::RParen)) break;
        }
      }
      expect(Tok::RParen, "')'");
    }

    bool has_contains = false, has_value = false;
    if (!is_function && is_ident("contains") && !peek().nl_before) {
      next();
      has_contains = true;
      rule->key = in_term();
    } else if (is(Tok::Unify) || is(Tok::Assign)) {
      next();
      has_value = true;
      rule->value = in_term();
    }
    rule->head_text = std::string(src_.substr(start_off, last_end_ - start_off));

    std::vector<std::string> path = {"data"};
    path.insert(path.end(), m.package.begin(), m.package.end());

    if (is_function && !rest.empty()) fail_at(rule->loc, "a function name must be constant");
    if (is_function) {
      rule->kind = RuleKind::Function;
    } else if (has_contains && !rest.empty()) {
      // A general ref head with a set leaf (p[q].r contains s): an object rule whose values
      // at the leaf are sets, which definitions for the same keys unite.
      rule->kind = RuleKind::PartialObject;
      rule->set_leaf = true;
      rule->value = rule->key;
      rule->key = rest.back();
      rest.pop_back();
      rule->key_prefix = std::move(rest);
    } else if (has_contains) {
      rule->kind = RuleKind::PartialSet;
    } else if (rest.empty() && syntax_ == Syntax::V0 && !has_value && last_string_bracket) {
      rule->kind = RuleKind::PartialSet;
      rule->key = last_string_term;
      parts.pop_back();
    } else if (rest.empty()) {
      rule->kind = RuleKind::Complete;
    } else if (syntax_ == Syntax::V0 && !has_value && rest.size() == 1) {
      rule->kind = RuleKind::PartialSet;
      rule->key = rest[0];
    } else {
      rule->kind = RuleKind::PartialObject;
      rule->key = rest.back();
      rest.pop_back();
      rule->key_prefix = std::move(rest);
    }
    path.insert(path.end(), parts.begin(), parts.end());
    rule->path = std::move(path);
    if (!rule->value && rule->kind != RuleKind::PartialSet) rule->value = bool_term(true, rule->loc);

    if (rule->is_default) {
      if (!has_value) fail_at(rule->loc, "a default rule needs a value");
      rule->body = std::make_shared<Body>();
      m.rules.push_back(rule);
      return;
    }

    rule->body = rule_body(has_value || has_contains || is_function || rule->kind != RuleKind::Complete);
    // else chain
    Rule* cur = rule.get();
    while (is_ident("else")) {
      const Token& et = next();
      auto e = std::make_shared<Rule>();
      e->loc = loc(et);
      e->module = &m;
      e->kind = rule->kind;
      e->path = rule->path;
      e->args = rule->args;
      e->head_text = "else";
      if (is(Tok::Unify) || is(Tok::Assign)) {
        next();
        e->value = in_term();
      } else {
        e->value = bool_term(true, e->loc);
      }
      e->body = rule_body(true);
      cur->else_rule = e;
      cur = e.get();
    }
    m.rules.push_back(rule);
  }

  TermPtr bool_term(bool b, const Loc& l) {
    auto t = std::make_shared<Term>();
    t->kind = TermKind::Scalar;
    t->value = Value::boolean(b);
    t->loc = l;
    return t;
  }

  // `if { body }`, `if expr`, `{ body }` (v0), or nothing (always true).
  std::shared_ptr<Body> rule_body(bool) {
    if (accept_ident("if")) {
      if (is(Tok::LBrace)) {
        // `if {x: i | …}` is one expression (an object comprehension), not a body: OPA tries
        // the body first and the expression when the body does not parse.
        std::size_t pos = pos_, depth = depth_, last_end = last_end_;
        bool no_pipe = no_pipe_;
        try {
          return brace_body();
        } catch (const Error& body_error) {
          pos_ = pos;
          depth_ = depth;
          last_end_ = last_end;
          no_pipe_ = no_pipe;
          try {
            auto b = std::make_shared<Body>();
            b->exprs.push_back(expr());
            return b;
          } catch (const Error&) {
            throw body_error;
          }
        }
      }
      auto b = std::make_shared<Body>();
      b->exprs.push_back(expr());
      return b;
    }
    if (is(Tok::LBrace) && !peek().nl_before) return brace_body();
    if (is(Tok::LBrace) && syntax_ == Syntax::V0) return brace_body();
    return std::make_shared<Body>();
  }

  std::shared_ptr<Body> brace_body() {
    DepthGuard g(*this);
    expect(Tok::LBrace, "'{'");
    auto b = body_until(Tok::RBrace);
    expect(Tok::RBrace, "'}'");
    return b;
  }

  // Expressions separated by ';' or newlines up to `end` (not consumed).
  std::shared_ptr<Body> body_until(Tok end) {
    auto b = std::make_shared<Body>();
    for (;;) {
      while (accept(Tok::Semi)) {}
      if (is(end)) break;
      b->exprs.push_back(expr());
      if (is(end)) break;
      if (accept(Tok::Semi)) continue;
      if (!peek().nl_before) fail_here("expected end of expression, found " + describe(peek()));
    }
    if (b->exprs.empty() && end != Tok::RBrace) fail_here("empty body");
    return b;
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  std::shared_ptr<Expr> expr() {
    DepthGuard g(*this);
    struct PipeReset {
      bool& flag;
      bool saved;
      ~PipeReset() { flag = saved; }
    } pipe_reset{no_pipe_, no_pipe_};
    no_pipe_ = false;
    const Token& start = peek();
    std::size_t start_off = start.begin;
    auto e = std::make_shared<Expr>();
    e->loc = loc(start);
    if (is_ident("some")) {
      next();
      auto t1 = rel_term();
      if (accept(Tok::Comma)) {
        auto t2 = rel_term();
        if (is_ident("in")) {
          next();
          e->kind = ExprKind::SomeIn;
          e->key = t1;
          e->a = t2;
          e->b = rel_term();
        } else {
          e->kind = ExprKind::Some;
          e->some_vars = {t1, t2};
          while (accept(Tok::Comma)) e->some_vars.push_back(rel_term());
        }
      } else if (is_ident("in")) {
        next();
        e->kind = ExprKind::SomeIn;
        e->a = t1;
        e->b = rel_term();
      } else {
        e->kind = ExprKind::Some;
        e->some_vars = {t1};
      }
      if (e->kind == ExprKind::Some)
        for (auto& v : e->some_vars)
          if (v->kind != TermKind::Var) fail_at(v->loc, "some: expected variables");
    } else if (is_ident("every") && peek(1).kind == Tok::Ident) {
      next();
      e->kind = ExprKind::Every;
      auto t1 = rel_term();
      if (accept(Tok::Comma)) {
        e->key = t1;
        e->a = rel_term();
      } else {
        e->a = t1;
      }
      expect_ident("in");
      e->b = rel_term();
      e->body = brace_body();
    } else if (is_ident("not") && !(peek(1).kind == Tok::LParen && !peek(1).ws_before)) {
      next();
      e->kind = ExprKind::Not;
      e->negated = expr_no_with();
    } else {
      auto inner = expr_no_with_inline();
      e = inner;
    }
    while (is_ident("with")) {
      next();
      With w;
      w.target = primary();
      expect_ident("as");
      w.value = in_term();
      e->withs.push_back(std::move(w));
    }
    e->text = std::string(src_.substr(start_off, last_end_ - start_off));
    return e;
  }

  std::shared_ptr<Expr> expr_no_with() {
    const Token& start = peek();
    std::size_t start_off = start.begin;
    std::shared_ptr<Expr> e;
    if (is_ident("not") && !(peek(1).kind == Tok::LParen && !peek(1).ws_before)) {
      DepthGuard g(*this);
      next();
      e = std::make_shared<Expr>();
      e->loc = loc(start);
      e->kind = ExprKind::Not;
      e->negated = expr_no_with();
    } else {
      e = expr_no_with_inline();
    }
    e->text = std::string(src_.substr(start_off, last_end_ - start_off));
    return e;
  }

  std::shared_ptr<Expr> expr_no_with_inline() {
    const Token& start = peek();
    auto e = std::make_shared<Expr>();
    e->loc = loc(start);
    auto lhs = head_term(false);
    if (is(Tok::Comma)) lhs = membership_tail(lhs);  // k, v in coll
    if (is(Tok::Unify)) {
      next();
      e->kind = ExprKind::Unify;
      e->a = lhs;
      e->b = in_term();
    } else if (is(Tok::Assign)) {
      next();
      e->kind = ExprKind::Assign;
      e->a = lhs;
      e->b = in_term();
    } else {
      e->kind = ExprKind::Term;
      e->a = lhs;
    }
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // Terms, by precedence

  TermPtr call(const std::string& name, std::vector<TermPtr> args, const Loc& l) {
    auto t = std::make_shared<Term>();
    t->kind = TermKind::Call;
    t->name = name;
    t->items = std::move(args);
    t->loc = l;
    return t;
  }

  TermPtr in_term() {
    auto lhs = rel_term();
    while (is_ident("in")) {
      next();
      auto rhs = rel_term();
      lhs = call("internal.member_2", {lhs, rhs}, lhs->loc);
    }
    return lhs;
  }

  TermPtr rel_term() {
    auto lhs = or_term();
    for (;;) {
      const char* op = nullptr;
      switch (peek().kind) {
        case Tok::Eq: op = "equal"; break;
        case Tok::Neq: op = "neq"; break;
        case Tok::Lt: op = "lt"; break;
        case Tok::Lte: op = "lte"; break;
        case Tok::Gt: op = "gt"; break;
        case Tok::Gte: op = "gte"; break;
        default: break;
      }
      if (!op) return lhs;
      next();
      auto rhs = or_term();
      lhs = call(op, {lhs, rhs}, lhs->loc);
    }
  }

  TermPtr or_term() {
    auto lhs = and_term();
    while (is(Tok::Pipe) && !no_pipe_) {
      next();
      lhs = call("or", {lhs, and_term()}, lhs->loc);
    }
    return lhs;
  }

  TermPtr and_term() {
    auto lhs = arith_term();
    while (is(Tok::Amp)) {
      next();
      lhs = call("and", {lhs, arith_term()}, lhs->loc);
    }
    return lhs;
  }

  TermPtr arith_term() {
    auto lhs = factor_term();
    for (;;) {
      if (is(Tok::Plus)) {
        next();
        lhs = call("plus", {lhs, factor_term()}, lhs->loc);
      } else if (is(Tok::Minus)) {
        next();
        lhs = call("minus", {lhs, factor_term()}, lhs->loc);
      } else {
        return lhs;
      }
    }
  }

  TermPtr factor_term() {
    auto lhs = primary();
    for (;;) {
      const char* op = is(Tok::Star) ? "mul" : is(Tok::Slash) ? "div" : is(Tok::Percent) ? "rem" : nullptr;
      if (!op) return lhs;
      next();
      lhs = call(op, {lhs, primary()}, lhs->loc);
    }
  }

  TermPtr scalar(Value v, const Loc& l) {
    auto t = std::make_shared<Term>();
    t->kind = TermKind::Scalar;
    t->value = std::move(v);
    t->loc = l;
    return t;
  }

  TermPtr primary() {
    DepthGuard g(*this);
    const Token& t = peek();
    Loc l = loc(t);
    TermPtr term;
    switch (t.kind) {
      case Tok::Number: {
        auto n = Number::parse(t.text);
        if (!n) fail_here("bad number " + t.text);
        next();
        term = scalar(Value::number(*n), l);
        break;
      }
      case Tok::String:
      case Tok::RawString:
        term = scalar(Value::string(next().text), l);
        break;
      case Tok::Minus: {
        next();
        if (is(Tok::Number) && !peek().ws_before) {
          auto n = Number::parse("-" + peek().text);
          if (!n) fail_here("bad number");
          next();
          term = scalar(Value::number(*n), l);
        } else {
          auto operand = primary();
          return call("minus", {scalar(Value::integer(0), l), operand}, l);
        }
        break;
      }
      case Tok::Ident: {
        const std::string& name = t.text;
        if (name == "null") { next(); term = scalar(Value::null(), l); break; }
        if (name == "true") { next(); term = scalar(Value::boolean(true), l); break; }
        if (name == "false") { next(); term = scalar(Value::boolean(false), l); break; }
        if (name == "set" && peek(1).kind == Tok::LParen && peek(2).kind == Tok::RParen) {
          next(); next(); next();
          term = std::make_shared<Term>();
          term->kind = TermKind::Set;
          term->loc = l;
          break;
        }
        if (is_keyword(name) && name != "in") fail_here("unexpected keyword '" + name + "'");
        next();
        term = std::make_shared<Term>();
        term->kind = TermKind::Var;
        term->name = name;
        term->loc = l;
        break;
      }
      case Tok::LBrack: {
        next();
        term = std::make_shared<Term>();
        term->loc = l;
        term->kind = TermKind::Array;
        if (accept(Tok::RBrack)) break;
        auto first = head_term(true);
        if (accept(Tok::Pipe)) {
          term->kind = TermKind::ArrayCompr;
          term->head = first;
          term->body = body_until(Tok::RBrack);
          expect(Tok::RBrack, "']'");
          break;
        }
        term->items.push_back(first);
        while (accept(Tok::Comma)) {
          if (is(Tok::RBrack)) break;
          term->items.push_back(head_term(false));
        }
        expect(Tok::RBrack, "']'");
        break;
      }
      case Tok::LBrace: {
        next();
        term = std::make_shared<Term>();
        term->loc = l;
        term->kind = TermKind::Object;
        if (accept(Tok::RBrace)) break;
        auto first = head_term(true);
        if (accept(Tok::Colon)) {
          auto v = head_term(true);
          if (accept(Tok::Pipe)) {
            term->kind = TermKind::ObjectCompr;
            term->key = first;
            term->head = v;
            term->body = body_until(Tok::RBrace);
            expect(Tok::RBrace, "'}'");
            break;
          }
          term->items = {first, v};
          while (accept(Tok::Comma)) {
            if (is(Tok::RBrace)) break;
            auto k = head_term(false);
            expect(Tok::Colon, "':'");
            term->items.push_back(k);
            term->items.push_back(head_term(false));
          }
          expect(Tok::RBrace, "'}'");
          break;
        }
        if (accept(Tok::Pipe)) {
          term->kind = TermKind::SetCompr;
          term->head = first;
          term->body = body_until(Tok::RBrace);
          expect(Tok::RBrace, "'}'");
          break;
        }
        term->kind = TermKind::Set;
        term->items.push_back(first);
        while (accept(Tok::Comma)) {
          if (is(Tok::RBrace)) break;
          term->items.push_back(head_term(false));
        }
        expect(Tok::RBrace, "'}'");
        break;
      }
      case Tok::LParen: {
        next();
        term = head_term(false);
        if (is(Tok::Comma)) term = membership_tail(term);
        expect(Tok::RParen, "')'");
        break;
      }
      default:
        fail_here("unexpected " + describe(t));
    }
    return suffixes(term);
  }

  // .name, [term] and (args) after a term.
  TermPtr suffixes(TermPtr term) {
    for (;;) {
      if (is(Tok::Dot) && peek(1).kind == Tok::Ident && !peek().ws_before) {
        next();
        const Token& n = next();
        term = extend_ref(term, scalar(Value::string(n.text), loc(n)));
      } else if (is(Tok::LBrack) && !peek().ws_before) {
        DepthGuard g(*this);
        next();
        auto k = head_term(false);
        expect(Tok::RBrack, "']'");
        term = extend_ref(term, k);
      } else if (is(Tok::LParen) && !peek().ws_before &&
                 (term->kind == TermKind::Var || term->kind == TermKind::Ref)) {
        DepthGuard g(*this);
        std::string name = call_name(term);
        next();
        std::vector<TermPtr> args;
        if (!is(Tok::RParen)) {
          for (;;) {
            args.push_back(head_term(false));
            if (!accept(Tok::Comma)) break;
            if (is(Tok::RParen)) break;
          }
        }
        expect(Tok::RParen, "')'");
        term = call(name, std::move(args), term->loc);
      } else {
        return term;
      }
    }
  }

  std::string call_name(const TermPtr& t) {
    if (t->kind == TermKind::Var) return t->name;
    std::string out;
    if (t->items[0]->kind != TermKind::Var) fail_at(t->loc, "bad function name");
    out = t->items[0]->name;
    for (std::size_t i = 1; i < t->items.size(); ++i) {
      const auto& p = t->items[i];
      if (p->kind != TermKind::Scalar || !p->value.is_string()) fail_at(t->loc, "bad function name");
      out += "." + p->value.as_string();
    }
    return out;
  }

  TermPtr extend_ref(TermPtr base, TermPtr part) {
    if (base->kind == TermKind::Ref) {
      auto r = std::make_shared<Term>(*base);
      r->items.push_back(part);
      return r;
    }
    auto r = std::make_shared<Term>();
    r->kind = TermKind::Ref;
    r->loc = base->loc;
    r->items = {base, part};
    return r;
  }
};

}  // namespace

std::shared_ptr<Module> parse_module(const std::string& name, std::string_view source, Syntax syntax,
                                     const Limits& limits) {
  auto m = std::make_shared<Module>();
  m->name = name;
  m->source = std::string(source);
  // Loc points at m->name, which lives as long as the module.
  Parser p(&m->name, m->source, syntax, limits);
  return p.module(m);
}

std::shared_ptr<Body> parse_query(const std::string* file, std::string_view source, const Limits& limits) {
  Parser p(file, source, Syntax::V1, limits);
  return p.query();
}

TermPtr parse_term(const std::string* file, std::string_view source, const Limits& limits) {
  Parser p(file, source, Syntax::V1, limits);
  return p.single_term();
}

}  // namespace coco::rego
