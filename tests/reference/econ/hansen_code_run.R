## Runner (scratch, not committed): runs Hansen's thresh_p.R and pdR 1.7 ptm()
## unchanged, captures full-precision values inside model() with trace().
options(digits = 17)
set.seed(1999)
CAP <- list()
num <- function(v) paste0("[", paste(sprintf("%.17g", as.numeric(v)), collapse = ", "), "]")
tojson <- function(caps) {
  items <- sapply(caps, function(cp) {
    paste0("{", paste(sprintf("\"%s\": %s", names(cp), sapply(cp, num)), collapse = ", "), "}")
  })
  paste0("[\n", paste(items, collapse = ",\n"), "\n]")
}
capture_at <- quote({
  CAP[[length(CAP) + 1]] <<- list(r = r, trim = trim, rep = rep, it = it, rhat = rhat, sse1 = sse1,
                                  ci = c(min(rhats), max(rhats)), ty = ty, nq = length(qq),
                                  qq = qq, sse = sse, beta = beta[, 1], sehomo = beta[, 2],
                                  sehet = beta[, 3])
})
capture_exit <- quote({
  if (exists("lrt", inherits = FALSE)) {
    CAP[[length(CAP)]]$lrt <<- as.numeric(lrt)
  }
})
step_of <- function(f, e) which(sapply(as.list(body(f)), function(x) identical(x, e)))

## ---- Hansen's thresh_p.R ------------------------------------------------
src <- readLines("/tmp/pdr/thresh_p.R")
src <- sub("^t <- 15$", "t <- 11", src)
src <- sub("^vgraph <- 1 ", "vgraph <- 0 ", src)
src <- sub("^boot_([123]) <- 300 ", "boot_\\1 <- 2 ", src)
stopifnot(sum(grepl("^boot_[123] <- 2 ", src)) == 3, any(src == "t <- 11"))
setwd("/tmp/pdr/run")
exprs <- parse(text = src)
for (ex in exprs) {
  eval(ex, envir = .GlobalEnv)
  if (is.call(ex) && identical(ex[[2]], as.name("model"))) {
    at <- step_of(model, quote(beta <- cbind(beta, sehomo, sehet)))
    stopifnot(length(at) == 1)
    trace("model", tracer = capture_at, at = at + 1, exit = capture_exit, print = FALSE,
          where = .GlobalEnv)
  }
}
## linear SSR and qq1 (globals of Hansen's script)
HANSEN <- c(list(list(sse0 = sse0, qn1 = qn1, qq1 = qq1, n = n, tt = tt, ty = ty)), CAP)
writeLines(tojson(HANSEN), "/tmp/pdr/hansen_thresh_p_out.json")

## ---- pdR 1.7 ptm() on the same lagged panel ------------------------------
CAP <- list()
y_h <- y; cf_h <- cf; x_h <- x; d1_h <- d1
rm(list = setdiff(ls(), c("CAP", "num", "tojson", "capture_at", "capture_exit", "step_of",
                          "HANSEN", "y_h", "cf_h", "x_h", "d1_h")))
source("/tmp/pdr/ptm.R")
at <- step_of(model, quote(beta <- cbind(beta, sehomo, sehet)))
stopifnot(length(at) == 1)
trace("model", tracer = capture_at, at = at + 1, exit = capture_exit, print = FALSE,
      where = .GlobalEnv)
res <- ptm(dep = y_h, ind1 = as.matrix(cf_h), ind2 = x_h, d = d1_h, bootn = c(2, 2, 2),
           trimn = c(0.01, 0.01, 0.05), qn = 400, conf_lev = 0.95, t = 10, n = 100)
writeLines(tojson(CAP), "/tmp/pdr/pdr_ptm_out.json")
cat("pdR thresholds:", res[[1]]$threshold, "|", res[[2]]$threshold, "|", res[[3]]$threshold, "\n")
