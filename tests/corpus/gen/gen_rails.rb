# Real Rails 6.1 (Debian's ruby-rails) + Sinatra/WEBrick + plain Ruby Logger output.
#
#   ruby gen_rails.rb MODE
#
# MODE "rails61" boots a one-file Rails app with the filter_parameters list the Rails 6.1 app
# generator writes; MODE "legacy" boots the same app with the `[:password]` list apps upgraded from
# older Rails still carry; MODE "ruby" runs a Sinatra app on WEBrick and plain Ruby code logging
# Hash#inspect, awesome_print, Struct/object inspect and to_yaml. Every mode appends to
# out/rails.raw.log and merges its planted secrets into out/rails.secrets.json.
require "json"
require "securerandom"
require "base64"
require "logger"
require "yaml"
require "ostruct"

MODE = ARGV[0] || "rails61"
OUT = File.join(__dir__, "out")
RAW = File.join(OUT, "rails.raw.log")
SECRETS_FILE = File.join(OUT, "rails.secrets.json")
$secrets = File.exist?(SECRETS_FILE) ? JSON.parse(File.read(SECRETS_FILE)) : []

def add(s)
  raise "short secret #{s.inspect}" if s.length < 8
  $secrets << s unless $secrets.include?(s)
  s
end

ALNUM = [*"A".."Z", *"a".."z", *"0".."9"].freeze
URLSAFE = (ALNUM + ["-", "_"]).freeze

def rand_s(n, alpha = ALNUM)
  loop do
    s = Array.new(n) { alpha[SecureRandom.random_number(alpha.size)] }.join
    return s if s !~ /\A[0-9a-fA-F-]+\z/ && s =~ /[0-9]/ && s =~ /[A-Za-z]/
  end
end

def password
  sym = "!#$%^*-_.~@".chars
  loop do
    s = rand_s(12 + SecureRandom.random_number(8), ALNUM + sym)
    return s if s.chars.any? { |c| sym.include?(c) } && s =~ /[A-Z]/
  end
end

WORDS = %w[correct horse battery staple hunter purple monkey dragon sunshine autumn river castle].freeze
def human_password
  case SecureRandom.random_number(2)
  when 0 then Array.new(4) { WORDS.sample(random: SecureRandom) }.join(" ")
  else "#{WORDS.sample(random: SecureRandom)}#{SecureRandom.random_number(10)}!#{Array.new(3) { [*"a".."z"].sample(random: SecureRandom) }.join}"
  end
end

def stripe_key(kind = "sk_live_") = kind + rand_s(24)
def github_token = "ghp_" + rand_s(36)
def slack_token = "xoxb-#{10**11 + SecureRandom.random_number(9 * 10**11)}-#{10**12 + SecureRandom.random_number(9 * 10**12)}-#{rand_s(24)}"
def opaque(prefix = "") = prefix + rand_s(32 + SecureRandom.random_number(16), URLSAFE)
def refresh_token = %w[rt_ 1//0 def50200].sample(random: SecureRandom) + rand_s(48, URLSAFE)
def aws_key_id = "AKIA" + rand_s(16, [*"A".."Z", *"2".."7"])
def aws_secret = rand_s(40, ALNUM + ["+", "/"])
def uuid = SecureRandom.uuid

def save_secrets
  File.write(SECRETS_FILE, JSON.pretty_generate($secrets))
end

LOG = File.open(RAW, "a")
LOG.sync = true

if MODE == "rails61" || MODE == "legacy"
  require "rails"
  require "action_controller/railtie"
  require "rack/test"

  class CorpusApp < Rails::Application
    config.root = __dir__
    config.eager_load = false
    config.consider_all_requests_local = false
    config.secret_key_base = SecureRandom.hex(64)
    config.hosts.clear
    config.log_level = :debug
    # the production.rb default: ::Logger::Formatter (severity, time, pid), request-id tags
    config.log_formatter = ::Logger::Formatter.new
    config.logger = ActiveSupport::TaggedLogging.new(ActiveSupport::Logger.new(LOG).tap { |l| l.formatter = config.log_formatter })
    config.log_tags = [:request_id]
    config.action_controller.action_on_unpermitted_parameters = :log
    if MODE == "rails61"
      # what `rails new` 6.1 writes to config/initializers/filter_parameter_logging.rb
      config.filter_parameters += [:passw, :secret, :token, :_key, :crypt, :salt, :certificate, :otp, :ssn]
    else
      config.filter_parameters += [:password]
    end
  end

  class ApplicationController < ActionController::Base
    protect_from_forgery with: :null_session
  end

  class SessionsController < ApplicationController
    def create
      logger.debug "login params: #{params.to_unsafe_h.inspect}"
      user = params.require(:user).permit(:email, :password, :remember_me)
      logger.info "login attempt for #{user[:email]} auth_method=password remember_me=#{user[:remember_me].inspect}"
      if params[:user][:password].to_s.size < 8
        logger.warn "password reset email sent to #{user[:email]}"
        return render json: { error: "invalid_grant", token: nil }, status: 401
      end
      render json: { ok: true, token_type: "Bearer", expires_in: 3600 }
    end
  end

  class ApiController < ApplicationController
    def show
      hdrs = request.headers.env.select { |k, _| k.start_with?("HTTP_") }
      logger.debug "incoming headers: #{hdrs.inspect}"
      if request.authorization.blank?
        logger.warn "Authorization header missing for #{request.path}"
        return head :unauthorized
      end
      logger.info "partner=#{request.headers['X-Partner-Key'] ? 'present' : 'absent'} token_count=#{params[:token_count].inspect}"
      render json: { id: params[:id], max_tokens: 4096 }
    end
  end

  class SettingsController < ApplicationController
    def update
      s = params.require(:settings).permit(:theme, :locale, :sort_key, :author)
      logger.info "settings updated: #{s.to_h.inspect}"
      logger.debug "raw settings: #{params[:settings].inspect}"
      redirect_to "/settings?saved=1&session_count=3"
    end
  end

  class DevicesController < ApplicationController
    def create
      logger.debug "device registration #{params.to_unsafe_h.except(:controller, :action).to_json}"
      render json: { status: "registered", primary_key: "device_id" }, status: 201
    end
  end

  class WebhooksController < ApplicationController
    def stripe
      payload = JSON.parse(request.raw_post)
      logger.info "webhook #{payload['type']} id=#{payload['id']}"
      logger.debug "webhook payload: #{payload.inspect}"
      head :ok
    end
  end

  class OauthController < ApplicationController
    def callback
      logger.info "oauth callback state=#{params[:state]} provider=github"
      redirect_to "https://app.example.com/welcome?#{{ access_token: params[:code] + "_x", token_type: "bearer" }.to_query}"
    end
  end

  class CrashController < ApplicationController
    def show
      cfg = { host: "db.internal", port: 5432, db_pass: $db_pass, pool: 5 }
      raise ArgumentError, "could not connect with #{cfg.inspect}"
    end
  end

  CorpusApp.initialize!
  CorpusApp.routes.draw do
    post "/login", to: "sessions#create"
    get "/api/items/:id", to: "api#show"
    patch "/settings", to: "settings#update"
    post "/devices", to: "devices#create"
    post "/webhooks/stripe", to: "webhooks#stripe"
    get "/oauth/callback", to: "oauth#callback"
    get "/crash", to: "crash#show"
  end

  $db_pass = add(password)
  t = Rack::Test::Session.new(CorpusApp)
  json = { "CONTENT_TYPE" => "application/json", "HTTP_ACCEPT" => "application/json" }

  6.times do |i|
    pw = i == 3 ? "" : add(i.even? ? password : human_password)
    body = { user: { email: "user#{i}@example.com", password: pw, remember_me: i.odd? } }
    body[:user][:login_password] = add(password) if i == 1
    body[:user][:db_pass] = add(password) if i == 4
    body[:user][:refresh] = add(refresh_token) if i == 5
    t.post "/login", JSON.dump(body), json
  end
  t.post "/login", "user[email]=form%40example.com&user[password]=#{CGI.escape(add(human_password))}&user[token2]=#{add(opaque)}&commit=Sign+in",
         "CONTENT_TYPE" => "application/x-www-form-urlencoded"

  8.times do |i|
    env = { "HTTP_ACCEPT" => "application/json", "HTTP_USER_AGENT" => "corpus-client/1.#{i}" }
    case i % 4
    when 0 then env["HTTP_AUTHORIZATION"] = "Bearer #{add(opaque('eyJ'))}"
    when 1 then env["HTTP_AUTHORIZATION"] = "Token token=\"#{add(opaque)}\", nonce=\"#{uuid}\""
    when 2
      env["HTTP_X_PARTNER_KEY"] = add(rand_s(40, URLSAFE))
      env["HTTP_AUTHORIZATION"] = "Basic #{add(Base64.strict_encode64("partner#{i}:#{add(password)}"))}"
    end
    env["HTTP_COOKIE"] = "CSRF_COOKIE=#{add(rand_s(43, URLSAFE))}; _ga=GA1.2.#{SecureRandom.random_number(10**9)}.1718000000" if i == 5
    t.get "/api/items/#{1000 + i}?token_count=#{i}", {}, env
  end

  t.patch "/settings", { settings: { theme: "dark", locale: "en", sort_key: "created_at", author: "Jane Doe",
                                     apiKey: add(stripe_key("rk_live_")), db_pass: add(password),
                                     todo_secret_do_not_commit: add(rand_s(32)), PRIVATE_KEY: add(rand_s(44, ALNUM + ["+", "/"])) } }
  t.patch "/settings", { settings: { theme: "light", locale: "de", sort_key: "name", author: "Erika Mustermann" } }

  3.times do |i|
    t.post "/devices", JSON.dump({ device: { platform: %w[ios android web][i], push_token: add(rand_s(64, URLSAFE)),
                                            device_secret: add(rand_s(32)), app_version: "4.2.#{i}",
                                            refresh: add(refresh_token), session_count: i } }), json
  end
  t.post "/devices", JSON.dump({ device: { platform: "web", push_token: nil, device_secret: "", app_version: "4.2.9" } }), json

  2.times do |i|
    evt = { id: "evt_#{rand_s(24)}", type: "account.updated", livemode: false,
            data: { object: { id: "acct_#{rand_s(16)}", stripeSecretKey: add(stripe_key), clientSecret: "pi_#{rand_s(24)}_secret_#{add(rand_s(25))}",
                              metadata: { author: "ops", tokenizer_name: "cl100k_base" } } } }
    t.post "/webhooks/stripe", JSON.dump(evt), "CONTENT_TYPE" => "application/json"
  end
  code = add(rand_s(20, URLSAFE))
  add(code + "_x")
  t.get "/oauth/callback?code=#{code}&state=#{uuid}"
  begin
    t.get "/crash"
  rescue StandardError
  end
  t.get "/api_keys/new"
  t.get "/secrets/rotate?auth_provider=okta"
  save_secrets
  exit 0
end

# ---- MODE ruby: Sinatra on WEBrick, Ruby Logger, inspect/awesome_print/to_yaml ----
require "sinatra/base"
require "webrick"
require "net/http"
require "awesome_print"

log = Logger.new(LOG, progname: "billing")
auth_log = Logger.new(LOG, progname: "auth")

class CorpusSinatra < Sinatra::Base
  set :environment, :production
  set :server, "webrick"
  set :logging, true
  set :dump_errors, false
  set :raise_errors, false
  set :show_exceptions, false
  set :host_authorization, { permitted_hosts: [] } if respond_to?(:host_authorization)

  get "/callback" do
    logger.info "callback params=#{params.inspect}"
    "ok"
  end
  post "/charge" do
    body = JSON.parse(request.body.read)
    logger.info "charge request #{body.inspect}"
    logger.info "Authorization header missing" unless env["HTTP_AUTHORIZATION"]
    content_type :json
    { status: "succeeded", token_type: "Bearer", author: "billing-bot" }.to_json
  end
  get "/health" do
    "ok"
  end
end

$stderr = LOG # Rack's env["rack.errors"] under WEBrick: where Sinatra's request logger writes
port = TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] }
access = WEBrick::Log.new(LOG, WEBrick::Log::INFO)
server = WEBrick::HTTPServer.new(BindAddress: "127.0.0.1", Port: port, Logger: access,
                                 AccessLog: [[LOG, WEBrick::AccessLog::COMBINED_LOG_FORMAT]])
server.mount "/", Rack::Handler::WEBrick, Rack::CommonLogger.new(CorpusSinatra.new, LOG)
th = Thread.new { server.start }
sleep 0.3
http = Net::HTTP.new("127.0.0.1", port)
http.get("/health")
4.times do |i|
  http.get("/callback?token=#{add(opaque)}&state=#{uuid}&auth_provider=github")
  req = Net::HTTP::Post.new("/charge", "Content-Type" => "application/json")
  req["Authorization"] = "Bearer #{add(stripe_key)}" if i.even?
  req.body = JSON.dump({ amount: 1200 + i, currency: "eur", source: "tok_visa",
                         apiKey: add(stripe_key("sk_test_")), idempotency_key: uuid, token_count: i })
  http.request(req)
end
http.get("/health")
server.shutdown
th.join
$stderr = STDERR

# plain Ruby code: Hash#inspect with string and symbol keys, nested hashes, object inspect
db_url_pw = add(password)
config = {
  database: { adapter: "postgresql", host: "db.internal", username: "app", password: add(password), pool: 5 },
  redis_url: "redis://:#{add(rand_s(32))}@cache.internal:6379/0",
  api_key: add(stripe_key),
  "clientSecret" => add(rand_s(40, URLSAFE)),
  "PRIVATE_KEY" => add(rand_s(44, ALNUM + ["+", "/"])),
  sort_key: "created_at", primary_key: "id", auth_provider: "okta", author: "deploy-bot",
  database_url: "postgres://app:#{db_url_pw}@db.internal:5432/app_production"
}
log.info "boot config: #{config.inspect}"
log.debug "database config: #{config[:database]}"
log.info "settings keys: #{config.keys.inspect}"
log.info "token_count=#{rand(100)} max_tokens=4096 tokenizer_name=\"cl100k_base\" session_count=2"

# hash-rocket with spaces: awesome_print, as apps and consoles print objects
creds = { "login_password" => add(human_password), :api_key => add(github_token), :client_id => "Iv1.#{SecureRandom.hex(8)}",
          :nested => { :token2 => add(opaque), :refresh => add(refresh_token), :expires_in => 3600 },
          :scopes => %w[repo read:org] }
log.debug "credentials:\n#{creds.ai(plain: true)}"
log.debug "credentials (compact): #{creds.ai(plain: true, multiline: false)}"
log.debug "aws: #{{ :aws_access_key_id => add(aws_key_id), :aws_secret_access_key => add(aws_secret), :region => "eu-west-1" }.ai(plain: true, multiline: false)}"
log.info "filtered: #{{ "password" => "[FILTERED]", "api_key" => "[FILTERED]", "token" => "[FILTERED]" }.ai(plain: true, multiline: false)}"

DbConfig = Struct.new(:host, :user, :db_pass, :sort_key)
log.info "db: #{DbConfig.new("db.internal", "app", add(password), "id").inspect}"
log.info "db (no password): #{DbConfig.new("db.internal", "readonly", nil, "id").inspect}"
log.debug "ostruct: #{OpenStruct.new(device_secret: add(rand_s(32)), push_token: add(rand_s(64, URLSAFE)), platform: "ios").inspect}"

class ApiClient
  def initialize(key, secret)
    @base_url = "https://api.example.com/v2"
    @apiKey = key
    @clientSecret = secret
    @timeout = 30
  end
end
log.debug "client built: #{ApiClient.new(add(rand_s(32)), add(rand_s(48, URLSAFE))).inspect}"
log.warn "jwt expired at #{Time.at(1718000000).utc} for sub=#{uuid}"
auth_log.info "password reset email sent to user42@example.com"
auth_log.info "secret rotation scheduled for arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2"
auth_log.info "token_type: Bearer, expires_in: 3600, auth_method: \"oauth\""
auth_log.warn "login failed for login_password length=#{12} (not logged)"
auth_log.error "#{{ "error" => "invalid_client", "error_description" => "client_secret is missing" }.inspect}"
auth_log.info "#{{ password: "[FILTERED]", password_confirmation: "[FILTERED]", email: "a@example.com" }.inspect}"
auth_log.info "#{{ :password => "********", :api_key => "<redacted>", :token => nil }.ai(plain: true, multiline: false)}"

# to_yaml (Psych) of a settings hash with string and symbol keys, multi-line strings
settings = {
  "production" => {
    "secret_key_base" => add(SecureRandom.hex(64)), # what `rails secret` prints
    "smtp" => { "user_name" => "apikey", "password" => add("SG." + rand_s(22, URLSAFE) + "." + rand_s(43, URLSAFE)), "port" => 587 },
    "stripe" => { stripeSecretKey: add(stripe_key), publishable_key: "pk_live_" + rand_s(24) },
    "aws" => { "access_key_id" => add(aws_key_id), "secret_access_key" => add(aws_secret) },
    "db_pass" => add(human_password),
    "ldap_bind_password" => add("o'Brien: ##{rand_s(10)}"),
    "sort_key" => "id", "author" => "ops", "auth_method" => "password", "max_tokens" => 4096,
    "note" => "rotate the smtp password: quarterly\nsecret rotation scheduled by ops",
  },
}
log.info "settings.yml:\n#{settings.to_yaml}"
log.info "filtered settings: #{{ "password" => "[FILTERED]", "api_key" => "********" }.to_yaml.inspect}"

# symbol-keyed hashes the way Rails prints options, and to_json / to_query of the same
opts = { :api_key => add(rand_s(32)), :auth_token => add(opaque), :user => "svc" }
log.info "request options #{opts}"
log.info "as json: #{opts.to_json}"
require "active_support/core_ext/object/to_query"
log.info "query: #{opts.to_query}"
log.info "done: 0 errors, session_count=4, primary_key=\"id\", auth_provider=\"okta\""
save_secrets
